package dev.neurite.algorithm.forwardforward;

import dev.neurite.api.algorithm.GraphTraining;
import dev.neurite.api.algorithm.Hyperparameters;
import dev.neurite.api.algorithm.StepResult;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainerState;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.data.EpochOrder;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Functions;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Optimizer;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One Forward-Forward run. Each training step feeds three label-overlaid copies of the batch
 * (true label, wrong label, neutral label); the sum of the layers' losses and the readout's
 * loss is differentiated once, and since every layer reads its input through a stop-gradient
 * that sum's gradient for a layer is its own loss's gradient. Hard negatives need the readout
 * before the step, so a separate neutral step runs first. Wrong labels are drawn from a
 * generator seeded by the job seed and the step number, and the data order comes from
 * {@link EpochOrder}, so a restored trainer repeats the uninterrupted run exactly.
 */
final class ForwardForwardTrainer implements Trainer {


    private final Dataset train;
    private final Optional<Dataset> test;
    private final int features;
    private final int classes;
    private final int hidden;
    private final int batch;
    private final int evalBatch;
    private final int epochs;
    private final long seed;
    private final long stepsPerEpoch;
    private final double baseRate;
    private final boolean hardNegatives;
    private final boolean readoutInference;
    private final float[] rateFeed = new float[1];
    private final GraphInstance instance;
    private final CompiledStep trainStep;
    private final CompiledStep neutralStep;
    private final CompiledStep evalStep;
    private final List<String> parameterNames = new ArrayList<>();
    private final float[] pos;
    private final float[] neg;
    private final float[] neu;
    private final float[] y;
    private final float[] probabilities;
    private final float[] ex;
    private final float[] goodness;
    private final float[] logits;
    private final EpochOrder order;

    ForwardForwardTrainer(TrainingContext context) {
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
        this.baseRate = hp.getDouble("learningRate");
        this.hardNegatives = hp.getString("negatives").equals("hard");
        this.readoutInference = hp.getString("inference").equals("readout");
        boolean collaborative = hp.getBoolean("collaborative");
        double peer = hp.getDouble("peerNormalization");

        Graph g = new Graph();
        List<LayerSpec> layers = context.model().layers();
        this.hidden = layers.size() - 1;
        List<Tensor[]> params = new ArrayList<>();
        double[] thresholds = new double[hidden];
        long baseSeed = new SplittableRandom(seed).split().nextLong();
        int fanIn = features;
        for (int i = 0; i <= hidden; i++) {
            int out = layers.get(i).units();
            Tensor w = g.parameter("layer" + i + ".weight", Init.normal(0, Math.sqrt(1.0 / fanIn), baseSeed + 31L * i),
                    out, fanIn);
            Tensor b = g.parameter("layer" + i + ".bias", Init.zeros(), out);
            params.add(new Tensor[] {w, b});
            parameterNames.add(w.name());
            parameterNames.add(b.name());
            if (i < hidden) {
                thresholds[i] = hp.getDouble("threshold") > 0 ? hp.getDouble("threshold") : out;
            }
            fanIn = out;
        }
        double totalThreshold = Arrays.stream(thresholds).sum();

        Tensor posIn = g.input("pos", batch, features);
        Tensor negIn = g.input("neg", batch, features);
        Tensor neuIn = g.input("neu", batch, features);
        Tensor labels = g.input("y", batch);
        List<Tensor> posActs = activities(g, posIn, params);
        List<Tensor> negActs = activities(g, negIn, params);
        List<Tensor> posGood = new ArrayList<>();
        List<Tensor> negGood = new ArrayList<>();
        for (int i = 0; i < hidden; i++) {
            posGood.add(Functions.sumOfSquares(posActs.get(i), 1));
            negGood.add(Functions.sumOfSquares(negActs.get(i), 1));
        }
        Step.Builder trainBuilder = g.step();
        Tensor total = null;
        for (int i = 0; i < hidden; i++) {
            Tensor gp = posGood.get(i);
            Tensor gn = negGood.get(i);
            double theta = thresholds[i];
            if (collaborative && hidden > 1) {
                gp = g.add(gp, g.stopGradient(others(g, posGood, i)));
                gn = g.add(gn, g.stopGradient(others(g, negGood, i)));
                theta = totalThreshold;
            }
            // softplus(θ − G_pos) + softplus(G_neg − θ), batch means.
            Tensor local = g.add(g.meanAll(Functions.softplus(g.neg(g.sub(gp, theta)))),
                    g.meanAll(Functions.softplus(g.sub(gn, theta))));
            trainBuilder.output("layer" + (i + 1) + ".loss", local);
            Tensor objective = local;
            if (peer > 0) {
                // Each unit's mean activity on positive data pulled toward the layer's mean activity.
                Tensor unitMeans = g.mean(posActs.get(i), 0, false);
                Tensor deviation = g.sub(unitMeans, g.stopGradient(g.meanAll(unitMeans)));
                objective = g.add(objective, g.mul(g.meanAll(g.mul(deviation, deviation)), peer));
            }
            total = total == null ? objective : g.add(total, objective);
        }
        Tensor readoutLogits = readout(g, neuIn, params);
        Tensor readoutLoss = Functions.softmaxCrossEntropyWithLabels(readoutLogits, labels);
        trainBuilder.output("readout.loss", readoutLoss);
        total = g.add(total, readoutLoss);
        trainBuilder.output("loss", total);
        Tensor rate = g.input("learningRate");
        Optimizer.sgd(rate, hp.getDouble("momentum"), hp.getDouble("weightCost"))
                .minimize(trainBuilder, total, g.parameters());
        Step neutralDef = g.step().output("probabilities", Functions.softmax(readoutLogits, 1)).build();

        Tensor evalInput = g.input("ex", evalBatch, features);
        List<Tensor> evalActs = activities(g, evalInput, params);
        Tensor evalGoodness = null;
        for (int i = hidden > 1 ? 1 : 0; i < hidden; i++) {
            Tensor gi = Functions.sumOfSquares(evalActs.get(i), 1);
            evalGoodness = evalGoodness == null ? gi : g.add(evalGoodness, gi);
        }
        Step evalDef = g.step().output("goodness", evalGoodness).output("logits", readout(g, evalInput, params)).build();

        this.instance = context.backend().open(g);
        this.trainStep = instance.compile(trainBuilder.build());
        this.neutralStep = instance.compile(neutralDef);
        this.evalStep = instance.compile(evalDef);
        this.pos = new float[batch * features];
        this.neg = new float[batch * features];
        this.neu = new float[batch * features];
        this.y = new float[batch];
        this.probabilities = new float[batch * classes];
        this.ex = new float[evalBatch * features];
        this.goodness = new float[evalBatch];
        this.logits = new float[evalBatch * classes];
        context.log(ForwardForward.NAME + " on " + context.backend().name() + ": " + context.model().describe()
                + ", batch " + batch + ", " + stepsPerEpoch + " steps per epoch, negatives "
                + hp.getString("negatives") + (collaborative ? ", collaborative" : ""));
    }

    /** The ReLU activities of the hidden layers; each layer past the first reads the previous one length-normalized and detached. */
    private List<Tensor> activities(Graph g, Tensor x, List<Tensor[]> params) {
        List<Tensor> out = new ArrayList<>();
        Tensor in = x;
        for (int i = 0; i < hidden; i++) {
            Tensor[] p = params.get(i);
            Tensor a = g.relu(g.add(g.matmul(in, p[0], false, true), p[1]));
            out.add(a);
            in = g.stopGradient(Functions.lengthNormalize(a, 1, 1e-8));
        }
        return out;
    }

    /**
     * Readout logits: the output layer on the last hidden layer's length-normalized, detached
     * activity, scaled by √width so that its components are of order one.
     */
    private Tensor readout(Graph g, Tensor x, List<Tensor[]> params) {
        List<Tensor> acts = activities(g, x, params);
        Tensor last = acts.get(hidden - 1);
        Tensor in = g.stopGradient(g.mul(Functions.lengthNormalize(last, 1, 1e-8), Math.sqrt(last.shape().dim(1))));
        Tensor[] o = params.get(hidden);
        return g.add(g.matmul(in, o[0], false, true), o[1]);
    }

    private static Tensor others(Graph g, List<Tensor> goodness, int skip) {
        Tensor sum = null;
        for (int t = 0; t < goodness.size(); t++) {
            if (t != skip) {
                sum = sum == null ? goodness.get(t) : g.add(sum, goodness.get(t));
            }
        }
        return sum;
    }

    /** Writes {@code label} one-hot over the first {@code classes} features of row {@code row}; a negative label writes the neutral 1/classes. */
    private void overlay(float[] rows, int row, int label) {
        int base = row * features;
        for (int c = 0; c < classes; c++) {
            rows[base + c] = label < 0 ? 1f / classes : (c == label ? 1f : 0f);
        }
    }

    /** Constant learning rate for the first half of the run, then linear decay to zero. */
    double rateAt(long step) {
        double progress = Math.min(1.0, step / (double) Math.max(1, totalSteps()));
        return progress < 0.5 ? baseRate : baseRate * 2 * (1 - progress);
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
            train.copyFeatures(index, pos, r * features);
            y[r] = train.label(index);
            overlay(pos, r, (int) y[r]);
        }
        System.arraycopy(pos, 0, neu, 0, pos.length);
        System.arraycopy(pos, 0, neg, 0, pos.length);
        for (int r = 0; r < batch; r++) {
            overlay(neu, r, -1);
        }
        trainStep.setInput("neu", neu);
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        if (hardNegatives) {
            neutralStep.setInput("neu", neu);
            neutralStep.run();
            neutralStep.readOutput("probabilities", probabilities);
        }
        for (int r = 0; r < batch; r++) {
            int truth = (int) y[r];
            int wrong;
            if (hardNegatives) {
                double mass = 0;
                for (int c = 0; c < classes; c++) {
                    mass += c == truth ? 0 : probabilities[r * classes + c];
                }
                double u = random.nextDouble() * mass;
                wrong = -1;
                for (int c = 0; c < classes && wrong < 0; c++) {
                    if (c != truth) {
                        u -= probabilities[r * classes + c];
                        if (u <= 0) {
                            wrong = c;
                        }
                    }
                }
                if (wrong < 0) {
                    wrong = truth == classes - 1 ? classes - 2 : classes - 1;
                }
            } else {
                wrong = random.nextInt(classes - 1);
                wrong = wrong >= truth ? wrong + 1 : wrong;
            }
            overlay(neg, r, wrong);
        }
        trainStep.setInput("pos", pos);
        trainStep.setInput("neg", neg);
        trainStep.setInput("y", y);
        rateFeed[0] = (float) rateAt(step);
        trainStep.setInput("learningRate", rateFeed);
        trainStep.run();
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 1; i <= hidden; i++) {
            metrics.put("layer" + i + ".loss", (double) trainStep.outputScalar("layer" + i + ".loss"));
        }
        metrics.put("readout.loss", (double) trainStep.outputScalar("readout.loss"));
        return new StepResult(trainStep.outputScalar("loss"), batch, metrics);
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        test.ifPresent(data -> {
            long byGoodness = 0;
            long byReadout = 0;
            double loss = 0;
            float[] best = new float[evalBatch];
            int[] bestLabel = new int[evalBatch];
            for (int start = 0; start < data.size(); start += evalBatch) {
                int count = Math.min(evalBatch, data.size() - start);
                Arrays.fill(ex, 0f);
                for (int r = 0; r < count; r++) {
                    data.copyFeatures(start + r, ex, r * features);
                }
                Arrays.fill(best, Float.NEGATIVE_INFINITY);
                for (int label = -1; label < classes; label++) {
                    for (int r = 0; r < count; r++) {
                        overlay(ex, r, label);
                    }
                    evalStep.setInput("ex", ex);
                    evalStep.run();
                    if (label < 0) {
                        evalStep.readOutput("logits", logits);
                        for (int r = 0; r < count; r++) {
                            int truth = data.label(start + r);
                            int arg = 0;
                            double max = Double.NEGATIVE_INFINITY;
                            for (int c = 0; c < classes; c++) {
                                max = Math.max(max, logits[r * classes + c]);
                                arg = logits[r * classes + c] > logits[r * classes + arg] ? c : arg;
                            }
                            double sum = 0;
                            for (int c = 0; c < classes; c++) {
                                sum += Math.exp(logits[r * classes + c] - max);
                            }
                            loss += Math.log(sum) + max - logits[r * classes + truth];
                            byReadout += arg == truth ? 1 : 0;
                        }
                    } else {
                        evalStep.readOutput("goodness", goodness);
                        for (int r = 0; r < count; r++) {
                            if (goodness[r] > best[r]) {
                                best[r] = goodness[r];
                                bestLabel[r] = label;
                            }
                        }
                    }
                }
                for (int r = 0; r < count; r++) {
                    byGoodness += bestLabel[r] == data.label(start + r) ? 1 : 0;
                }
            }
            double goodnessAccuracy = byGoodness / (double) data.size();
            double readoutAccuracy = byReadout / (double) data.size();
            metrics.put("test.accuracy", readoutInference ? readoutAccuracy : goodnessAccuracy);
            metrics.put("test.accuracy.goodness", goodnessAccuracy);
            metrics.put("test.accuracy.readout", readoutAccuracy);
            metrics.put("test.loss", loss / data.size());
        });
        return metrics;
    }

    @Override
    public TrainerState snapshot(long stepsDone) {
        // Parameters and momentum; the negatives' generator is re-derived from the seed and step.
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
