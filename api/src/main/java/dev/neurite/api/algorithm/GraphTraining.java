package dev.neurite.api.algorithm;

import dev.neurite.api.data.Dataset;
import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Optimizer;
import dev.neurite.api.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every trainer built on the tensor API does the same way: checkpoint its graph's
 * variables with the train step's run count, restore them, hand out parameters, and evaluate
 * a classifier batch by batch. Written once here so each learning rule states only its rule.
 */
public final class GraphTraining {

    /** Checkpoint attribute holding the train step's run count (it drives random draws and schedules). */
    public static final String RUNS = "trainStepRuns";

    private GraphTraining() {
    }

    /**
     * The optimizer the usual hyperparameters name: {@code optimizer} ({@code sgd} or
     * {@code adam}), {@code learningRate}, {@code weightDecay}, and {@code momentum} or
     * {@code beta1}, {@code beta2}, {@code epsilon}. The rate is {@code learningRate} throughout,
     * or, when {@code fedRate} is given, that scalar tensor (fed each step by a schedule).
     */
    public static Optimizer optimizer(Hyperparameters hp, Tensor fedRate) {
        double rate = hp.getDouble("learningRate");
        double decay = hp.getDouble("weightDecay");
        if (hp.getString("optimizer").equals("adam")) {
            double beta1 = hp.getDouble("beta1");
            double beta2 = hp.getDouble("beta2");
            double epsilon = hp.getDouble("epsilon");
            return fedRate == null ? Optimizer.adam(rate, beta1, beta2, epsilon, decay)
                    : Optimizer.adam(fedRate, beta1, beta2, epsilon, decay);
        }
        double momentum = hp.getDouble("momentum");
        return fedRate == null ? Optimizer.sgd(rate, momentum, decay) : Optimizer.sgd(fedRate, momentum, decay);
    }

    /** Every variable of {@code instance} (parameters and optimizer state) and the train step's run count. */
    public static TrainerState snapshot(GraphInstance instance, CompiledStep trainStep, long stepsDone) {
        return new TrainerState(stepsDone, instance.variables(), Map.of(RUNS, Long.toString(trainStep.runCount())));
    }

    /** Restores a {@link #snapshot} into an instance of the same graph. */
    public static void restore(GraphInstance instance, CompiledStep trainStep, TrainerState state) {
        for (String name : instance.graph().variables().keySet()) {
            instance.setVariable(state.tensor(name));
        }
        String runs = state.attributes().get(RUNS);
        trainStep.setRunCount(runs == null ? state.step() : Long.parseLong(runs));
    }

    /** The named variables' current values, in the given order. */
    public static List<StoredTensor> variables(GraphInstance instance, List<String> names) {
        List<StoredTensor> out = new ArrayList<>();
        for (String name : names) {
            out.add(instance.variable(name));
        }
        return out;
    }

    /**
     * {@code test.accuracy} and {@code test.loss} of a classifier over {@code data}. The eval
     * step takes {@code ex [batch, features]} and {@code ey [batch]} and yields per-row
     * {@code pred} (the predicted class) and {@code loss}; the last, partial batch is padded
     * with zeros and its padding ignored.
     */
    public static Map<String, Double> evaluate(Dataset data, CompiledStep evalStep, int batch, int features) {
        float[] ex = new float[batch * features];
        float[] ey = new float[batch];
        float[] predictions = new float[batch];
        float[] losses = new float[batch];
        long correct = 0;
        double loss = 0;
        for (int start = 0; start < data.size(); start += batch) {
            int count = Math.min(batch, data.size() - start);
            Arrays.fill(ex, count * features, ex.length, 0f);
            Arrays.fill(ey, count, ey.length, 0f);
            for (int r = 0; r < count; r++) {
                data.copyFeatures(start + r, ex, r * features);
                ey[r] = data.label(start + r);
            }
            evalStep.setInput("ex", ex);
            evalStep.setInput("ey", ey);
            evalStep.run();
            evalStep.readOutput("pred", predictions);
            evalStep.readOutput("loss", losses);
            for (int r = 0; r < count; r++) {
                correct += (int) predictions[r] == (int) ey[r] ? 1 : 0;
                loss += losses[r];
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test.accuracy", correct / (double) data.size());
        metrics.put("test.loss", loss / data.size());
        return metrics;
    }
}
