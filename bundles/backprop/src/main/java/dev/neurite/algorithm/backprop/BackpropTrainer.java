package dev.neurite.algorithm.backprop;

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
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One backprop run: a training step (forward, loss, gradients by {@link
 * dev.neurite.api.tensor.Autodiff}, optimizer assignments) and an evaluation step compiled in
 * one instance, so they share the parameters. The data order of epoch {@code e} is a shuffle
 * seeded by the job seed and {@code e}; a restored trainer sees exactly the batches it would have.
 */
final class BackpropTrainer implements Trainer {


    private final Dataset train;
    private final Optional<Dataset> test;
    private final int features;
    private final int classes;
    private final int batch;
    private final int evalBatch;
    private final int epochs;
    private final long seed;
    private final long stepsPerEpoch;
    private final double baseRate;
    private final LearningRateSchedule schedule;
    private final float[] rateFeed = new float[1];
    private final GraphInstance instance;
    private final CompiledStep trainStep;
    private final CompiledStep evalStep;
    private final List<String> parameterNames = new ArrayList<>();
    private final List<int[]> parameterShapes = new ArrayList<>();
    private final float[] x;
    private final float[] y;
    private final EpochOrder order;

    BackpropTrainer(TrainingContext context) {
        Hyperparameters hp = context.hyperparameters();
        this.train = context.trainData();
        this.test = context.testData();
        this.features = context.model().inputSize();
        this.classes = context.model().outputSize();
        this.batch = Math.min(hp.getInt("batchSize"), train.size());
        this.evalBatch = hp.getInt("evalBatchSize");
        this.epochs = hp.getInt("epochs");
        this.seed = context.seed();
        this.order = new EpochOrder(train.size(), seed);
        this.stepsPerEpoch = train.size() / batch;

        Graph g = new Graph();
        List<LayerSpec> layers = context.model().layers();
        List<Tensor[]> params = new ArrayList<>();
        int fanIn = features;
        String init = hp.getString("init");
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            int out = layer.units();
            boolean he = init.equals("he") || (init.equals("auto") && layer.activation() == Activation.RELU);
            long layerSeed = new SplittableRandom(seed).split().nextLong() + 31L * i;
            Init weightInit = he ? Init.normal(0, Math.sqrt(2.0 / fanIn), layerSeed)
                    : Init.uniform(-Math.sqrt(6.0 / (fanIn + out)), Math.sqrt(6.0 / (fanIn + out)), layerSeed);
            Tensor w = g.parameter("layer" + i + ".weight", weightInit, out, fanIn);
            Tensor b = g.parameter("layer" + i + ".bias", Init.zeros(), out);
            params.add(new Tensor[] {w, b});
            parameterNames.add(w.name());
            parameterShapes.add(new int[] {out, fanIn});
            parameterNames.add(b.name());
            parameterShapes.add(new int[] {out});
            fanIn = out;
        }

        Tensor input = g.input("x", batch, features);
        Tensor labels = g.input("y", batch);
        Tensor loss = Functions.softmaxCrossEntropyWithLabels(logits(g, input, layers, params), labels);
        Step.Builder trainBuilder = g.step().output("loss", loss);
        this.baseRate = hp.getDouble("learningRate");
        this.schedule = LearningRateSchedule.of(hp.getString("schedule"));
        Tensor rate = schedule == LearningRateSchedule.CONSTANT ? null : g.input("learningRate");
        GraphTraining.optimizer(hp, rate).minimize(trainBuilder, loss, g.parameters());

        Tensor evalInput = g.input("ex", evalBatch, features);
        Tensor evalLabels = g.input("ey", evalBatch);
        Tensor evalLogits = logits(g, evalInput, layers, params);
        Tensor perExample = g.neg(g.sum(g.mul(g.oneHot(evalLabels, classes), Functions.logSoftmax(evalLogits, 1)), 1));
        Step evalDef = g.step().output("pred", g.argmax(evalLogits, 1)).output("loss", perExample).build();

        this.instance = context.backend().open(g);
        this.trainStep = instance.compile(trainBuilder.build());
        this.evalStep = instance.compile(evalDef);
        this.x = new float[batch * features];
        this.y = new float[batch];
        context.log("backprop on " + context.backend().name() + ": " + context.model().describe() + ", batch " + batch
                + ", " + stepsPerEpoch + " steps per epoch");
    }

    /** Logits of a batch: dense layers {@code x Wᵀ + b} with each layer's activation, softmax left to the loss. */
    private static Tensor logits(Graph g, Tensor x, List<LayerSpec> layers, List<Tensor[]> params) {
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            Tensor[] p = params.get(i);
            Tensor z = g.add(g.matmul(h, p[0], false, true), p[1]);
            h = switch (layers.get(i).activation()) {
                case RELU -> g.relu(z);
                case TANH -> g.tanh(z);
                case SIGMOID -> g.sigmoid(z);
                case IDENTITY, SOFTMAX -> z;
            };
        }
        return h;
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
        return new StepResult(trainStep.outputScalar("loss"), batch, Map.of());
    }

    @Override
    public Map<String, Double> evaluate() {
        return test.map(data -> GraphTraining.evaluate(data, evalStep, evalBatch, features)).orElseGet(Map::of);
    }

    @Override
    public TrainerState snapshot(long stepsDone) {
        // Parameters and optimizer state (momentum, Adam moments and their β powers).
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
