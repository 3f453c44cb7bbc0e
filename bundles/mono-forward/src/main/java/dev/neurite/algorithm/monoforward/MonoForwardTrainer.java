package dev.neurite.algorithm.monoforward;

import dev.neurite.api.algorithm.GraphTraining;
import dev.neurite.api.algorithm.Hyperparameters;
import dev.neurite.api.algorithm.StepResult;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainerState;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.data.EpochOrder;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Functions;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One Mono-Forward run. The training step sums the hidden layers' local losses; since every
 * layer's input is a stop-gradient of the previous layer's output, the gradient of that sum
 * with respect to layer i's weights and projection is exactly the gradient of layer i's own
 * loss, so one optimizer call updates all layers independently. The data order of epoch
 * {@code e} comes from {@link EpochOrder}, so a restored trainer sees the batches it would have.
 */
final class MonoForwardTrainer implements Trainer {


    private final Dataset train;
    private final Optional<Dataset> test;
    private final int features;
    private final int hidden;
    private final int batch;
    private final int evalBatch;
    private final int epochs;
    private final long stepsPerEpoch;
    private final GraphInstance instance;
    private final CompiledStep trainStep;
    private final CompiledStep evalStep;
    private final List<String> parameterNames = new ArrayList<>();
    private final float[] x;
    private final float[] y;
    private final EpochOrder order;

    MonoForwardTrainer(TrainingContext context) {
        Hyperparameters hp = context.hyperparameters();
        this.train = context.trainData();
        this.test = context.testData();
        this.features = context.model().inputSize();
        int classes = context.model().outputSize();
        this.batch = Math.min(hp.getInt("batchSize"), train.size());
        this.evalBatch = hp.getInt("evalBatchSize");
        this.epochs = hp.getInt("epochs");
        long seed = context.seed();
        this.order = new EpochOrder(train.size(), seed);
        this.stepsPerEpoch = train.size() / batch;

        Graph g = new Graph();
        List<LayerSpec> layers = context.model().layers();
        this.hidden = layers.size() - 1;
        List<Tensor[]> params = new ArrayList<>();
        List<Tensor> projections = new ArrayList<>();
        long baseSeed = new SplittableRandom(seed).split().nextLong();
        int fanIn = features;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            int out = layer.units();
            boolean he = layer.activation() == Activation.RELU;
            Init weightInit = he ? Init.normal(0, Math.sqrt(2.0 / fanIn), baseSeed + 31L * i)
                    : Init.uniform(-Math.sqrt(6.0 / (fanIn + out)), Math.sqrt(6.0 / (fanIn + out)), baseSeed + 31L * i);
            Tensor w = g.parameter("layer" + i + ".weight", weightInit, out, fanIn);
            Tensor b = g.parameter("layer" + i + ".bias", Init.zeros(), out);
            params.add(new Tensor[] {w, b});
            parameterNames.add(w.name());
            parameterNames.add(b.name());
            if (i < hidden - 1) {
                double bound = Math.sqrt(6.0 / (out + classes));
                Tensor m = g.parameter("layer" + i + ".projection", Init.uniform(-bound, bound, baseSeed + 31L * i + 17),
                        classes, out);
                projections.add(m);
                parameterNames.add(m.name());
            }
            fanIn = out;
        }

        Tensor input = g.input("x", batch, features);
        Tensor labels = g.input("y", batch);
        List<Tensor> scores = scores(g, input, layers, params, projections);
        Step.Builder trainBuilder = g.step();
        Tensor total = null;
        Tensor local = null;
        for (int i = 0; i < hidden; i++) {
            local = Functions.softmaxCrossEntropyWithLabels(scores.get(i), labels);
            trainBuilder.output("layer" + (i + 1) + ".loss", local);
            total = total == null ? local : g.add(total, local);
        }
        // The reported loss is the last layer's, the one the prediction comes from.
        trainBuilder.output("loss", g.add(local, 0.0));
        GraphTraining.optimizer(hp, null).minimize(trainBuilder, total, g.parameters());

        Tensor evalInput = g.input("ex", evalBatch, features);
        Tensor evalLabels = g.input("ey", evalBatch);
        List<Tensor> evalScores = scores(g, evalInput, layers, params, projections);
        Tensor evalLogits = evalScores.get(hidden - 1);
        Tensor perExample = g.neg(g.sum(g.mul(g.oneHot(evalLabels, classes), Functions.logSoftmax(evalLogits, 1)), 1));
        Step evalDef = g.step().output("pred", g.argmax(evalLogits, 1)).output("loss", perExample).build();

        this.instance = context.backend().open(g);
        this.trainStep = instance.compile(trainBuilder.build());
        this.evalStep = instance.compile(evalDef);
        this.x = new float[batch * features];
        this.y = new float[batch];
        context.log(MonoForward.NAME + " on " + context.backend().name() + ": " + context.model().describe()
                + ", batch " + batch + ", " + stepsPerEpoch + " steps per epoch");
    }

    /**
     * The scores {@code G_i} of every hidden layer for a batch: the projection of each hidden
     * activity, the model's output layer standing in for the last one. Each layer reads its
     * input through a stop-gradient.
     */
    private List<Tensor> scores(Graph g, Tensor x, List<LayerSpec> layers, List<Tensor[]> params, List<Tensor> projections) {
        List<Tensor> out = new ArrayList<>();
        Tensor h = x;
        for (int i = 0; i < hidden; i++) {
            Tensor[] p = params.get(i);
            Tensor in = i == 0 ? h : g.stopGradient(h);
            Tensor z = g.add(g.matmul(in, p[0], false, true), p[1]);
            Tensor a = switch (layers.get(i).activation()) {
                case RELU -> g.relu(z);
                case TANH -> g.tanh(z);
                case SIGMOID -> g.sigmoid(z);
                case IDENTITY, SOFTMAX -> z;
            };
            if (i < hidden - 1) {
                out.add(g.matmul(a, projections.get(i), false, true));
            } else {
                Tensor[] o = params.get(hidden);
                out.add(g.add(g.matmul(a, o[0], false, true), o[1]));
            }
            h = a;
        }
        return out;
    }

    @Override
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    @Override
    public long totalSteps() {
        return stepsPerEpoch * epochs;
    }

    @Override
    public StepResult step(long step) {
        int[] indices = order.of(step / stepsPerEpoch);
        int begin = (int) ((step % stepsPerEpoch) * batch);
        for (int r = 0; r < batch; r++) {
            int index = indices[begin + r];
            train.copyFeatures(index, x, r * features);
            y[r] = train.label(index);
        }
        trainStep.setInput("x", x);
        trainStep.setInput("y", y);
        trainStep.run();
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 1; i <= hidden; i++) {
            metrics.put("layer" + i + ".loss", (double) trainStep.outputScalar("layer" + i + ".loss"));
        }
        return new StepResult(trainStep.outputScalar("loss"), batch, metrics);
    }

    @Override
    public Map<String, Double> evaluate() {
        return test.map(data -> GraphTraining.evaluate(data, evalStep, evalBatch, features)).orElseGet(Map::of);
    }

    @Override
    public TrainerState snapshot(long stepsDone) {
        // Parameters, projections and optimizer state.
        return GraphTraining.snapshot(instance, trainStep, stepsDone);
    }

    @Override
    public void restore(TrainerState state) {
        GraphTraining.restore(instance, trainStep, state);
    }

    @Override
    public List<StoredTensor> parameters() {
        return GraphTraining.variables(instance, parameterNames);
    }

    @Override
    public void close() {
        instance.close();
    }
}
