package dev.neurite.algorithm.dfa;

import dev.neurite.api.algorithm.GraphTraining;
import dev.neurite.api.algorithm.Hyperparameters;
import dev.neurite.api.algorithm.LearningRateSchedule;
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
 * One DFA run: a training step that computes the output error once, sends it to every
 * hidden layer through that layer's fixed feedback matrix, and hands the resulting weight
 * updates to the optimizer; an evaluation step in the same instance shares the parameters.
 * The data order of epoch {@code e} comes from {@link EpochOrder}, so a restored trainer sees
 * the batches it would have.
 */
final class DfaTrainer implements Trainer {


    private final double baseRate;
    private final LearningRateSchedule schedule;
    private final float[] rateFeed = new float[1];
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

    DfaTrainer(TrainingContext context) {
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
        List<Tensor> feedback = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(seed);
        long baseSeed = seeds.split().nextLong();
        long feedbackSeed = seeds.split().nextLong();
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
            if (i < hidden) {
                feedback.add(g.state("feedback." + i, Init.normal(0, 1 / Math.sqrt(classes), feedbackSeed + 31L * i),
                        out, classes));
            }
            fanIn = out;
        }

        Tensor input = g.input("x", batch, features);
        Tensor labels = g.input("y", batch);
        List<Tensor> pre = new ArrayList<>();
        List<Tensor> post = new ArrayList<>();
        List<Tensor> masks = new ArrayList<>();
        double dropout = hp.getDouble("dropout");
        Tensor logits = forward(g, input, layers, params, pre, post, masks, dropout, seeds.split().nextLong());
        Tensor loss = Functions.softmaxCrossEntropyWithLabels(logits, labels);
        // The gradient of the mean cross-entropy with respect to the logits.
        Tensor error = g.div(g.sub(Functions.softmax(logits, 1), g.oneHot(labels, classes)), batch);
        List<Tensor> updates = new ArrayList<>();
        Step.Builder trainBuilder = g.step().output("loss", loss).output("layer" + (hidden + 1) + ".loss", g.add(loss, 0.0));
        for (int i = 0; i <= hidden; i++) {
            Tensor in = i == 0 ? input : masks.isEmpty() ? post.get(i - 1) : g.mul(post.get(i - 1), masks.get(i - 1));
            Tensor delta;
            if (i == hidden) {
                delta = error;
            } else {
                Tensor projected = g.matmul(error, feedback.get(i), false, true);
                Tensor slope = derivative(g, layers.get(i).activation(), pre.get(i), post.get(i));
                delta = slope == null ? projected : g.mul(projected, slope);
                if (!masks.isEmpty()) {
                    // A dropped unit passed nothing on, so it learns nothing from this example.
                    delta = g.mul(delta, masks.get(i));
                }
                // RMS over examples of the per-example signal (the batch mean was folded into the error).
                trainBuilder.output("layer" + (i + 1) + ".signal",
                        g.sqrt(g.meanAll(g.mul(g.mul(delta, delta), (double) batch * batch))));
            }
            updates.add(g.matmul(delta, in, true, false));
            updates.add(g.sum(delta, 0));
        }
        this.baseRate = hp.getDouble("learningRate");
        this.schedule = LearningRateSchedule.of(hp.getString("schedule"));
        Tensor rate = schedule == LearningRateSchedule.CONSTANT ? null : g.input("learningRate");
        GraphTraining.optimizer(hp, rate).apply(trainBuilder, g.parameters(), updates);

        Tensor evalInput = g.input("ex", evalBatch, features);
        Tensor evalLabels = g.input("ey", evalBatch);
        Tensor evalLogits = forward(g, evalInput, layers, params, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), 0, 0);
        Tensor perExample = g.neg(g.sum(g.mul(g.oneHot(evalLabels, classes), Functions.logSoftmax(evalLogits, 1)), 1));
        Step evalDef = g.step().output("pred", g.argmax(evalLogits, 1)).output("loss", perExample).build();

        this.instance = context.backend().open(g);
        this.trainStep = instance.compile(trainBuilder.build());
        this.evalStep = instance.compile(evalDef);
        this.x = new float[batch * features];
        this.y = new float[batch];
        context.log(Dfa.NAME + " on " + context.backend().name() + ": " + context.model().describe()
                + ", batch " + batch + ", " + stepsPerEpoch + " steps per epoch");
    }

    /**
     * Logits of a batch; collects each hidden layer's pre-activation, activation, and the input
     * the next layer reads (the activation times its dropout mask while training).
     */
    private Tensor forward(Graph g, Tensor x, List<LayerSpec> layers, List<Tensor[]> params, List<Tensor> pre,
                           List<Tensor> post, List<Tensor> masks, double dropout, long dropoutSeed) {
        Tensor h = x;
        for (int i = 0; i < hidden; i++) {
            Tensor[] p = params.get(i);
            Tensor z = g.add(g.matmul(h, p[0], false, true), p[1]);
            h = switch (layers.get(i).activation()) {
                case RELU -> g.relu(z);
                case TANH -> g.tanh(z);
                case SIGMOID -> g.sigmoid(z);
                case IDENTITY, SOFTMAX -> z;
            };
            pre.add(z);
            post.add(h);
            if (dropout > 0) {
                // Inverted dropout: kept units are scaled by 1/(1 − p), so evaluation needs no rescaling.
                Tensor mask = g.mul(g.bernoulli(dropoutSeed + 31L * i, 1 - dropout, z.shape().dims()), 1 / (1 - dropout));
                masks.add(mask);
                h = g.mul(h, mask);
            }
        }
        Tensor[] o = params.get(hidden);
        return g.add(g.matmul(h, o[0], false, true), o[1]);
    }

    /** f′ at the pre-activation {@code z} with output {@code h}; null for the identity. */
    private static Tensor derivative(Graph g, Activation activation, Tensor z, Tensor h) {
        return switch (activation) {
            case RELU -> g.greater(z, g.zerosLike(z));
            case TANH -> g.neg(g.sub(g.mul(h, h), 1.0));
            case SIGMOID -> g.mul(h, g.neg(g.sub(h, 1.0)));
            case IDENTITY, SOFTMAX -> null;
        };
    }

    /** The learning rate of step {@code step} under the schedule. */
    double rateAt(long step) {
        return baseRate * schedule.factor(step, totalSteps());
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
        if (schedule != LearningRateSchedule.CONSTANT) {
            rateFeed[0] = (float) rateAt(step);
            trainStep.setInput("learningRate", rateFeed);
        }
        trainStep.run();
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 1; i <= hidden; i++) {
            metrics.put("layer" + i + ".signal", (double) trainStep.outputScalar("layer" + i + ".signal"));
        }
        metrics.put("layer" + (hidden + 1) + ".loss", (double) trainStep.outputScalar("layer" + (hidden + 1) + ".loss"));
        return new StepResult(trainStep.outputScalar("loss"), batch, metrics);
    }

    @Override
    public Map<String, Double> evaluate() {
        return test.map(data -> GraphTraining.evaluate(data, evalStep, evalBatch, features)).orElseGet(Map::of);
    }

    @Override
    public TrainerState snapshot(long stepsDone) {
        // Parameters, feedback matrices and optimizer state.
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
