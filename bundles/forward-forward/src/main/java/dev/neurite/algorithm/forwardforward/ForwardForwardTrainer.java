package dev.neurite.algorithm.forwardforward;

import dev.neurite.api.algorithm.GraphTraining;
import dev.neurite.api.algorithm.Hyperparameters;
import dev.neurite.api.algorithm.LearningRateSchedule;
import dev.neurite.api.algorithm.StepResult;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainerState;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.data.EpochOrder;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.Autodiff;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One Forward-Forward run, compiled as one step per hidden layer so that a step holds one
 * layer's activities and gradients, never the whole network's: the per-step working set does
 * not grow with depth, which is the point of a forward-only rule on a small device.
 *
 * <p>A training step first runs the neutral pass (neutral label, all layers, no gradients): it
 * yields the readout's probabilities, from which hard negatives are drawn, and the readout's
 * input. Then each layer step reads the positive and negative batches as the previous layer
 * step left them (RMS-normalized activities computed with that layer's weights before its
 * update), updates its own layer from its own loss and hands its normalized activities on;
 * last, the readout step trains the softmax readout on the neutral pass's activity. Every
 * layer thus sees exactly what a single graph with stop-gradients between layers would show
 * it. The collaborative variant needs every layer's goodness before any layer updates, so it
 * runs a forward-only goodness pass over the layers first (one more forward pass: compute
 * traded for memory). Wrong labels are drawn from a generator seeded by the job seed and the
 * step number, and the data order comes from {@link EpochOrder}, so a restored trainer
 * repeats the uninterrupted run exactly.
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
    private final double readoutBaseRate;
    /** Hinton's gradient smoothing: the step follows (1 − μ) Σ μ^k g, so the fed rate carries the (1 − μ). */
    private final double smoothing;
    private final boolean hardNegatives;
    private final boolean readoutInference;
    private final boolean collaborative;
    /** Index of the first hidden layer in the collaborative sum; earlier layers train alone. */
    private final int firstCollaborator;
    private final float[] rateFeed = new float[1];
    private final float[] readoutRateFeed = new float[1];
    private final GraphInstance instance;
    private final CompiledStep[] layerSteps;
    private final CompiledStep[] goodnessSteps;
    private final CompiledStep neutralStep;
    private final CompiledStep readoutStep;
    private final CompiledStep evalStep;
    private final List<String> parameterNames = new ArrayList<>();
    /** Per layer: the names of its step's inputs (positive, negative, and the two offsets) and its loss metric. */
    private final String[][] inputNames;
    private final String[] lossKeys;
    /** Positive and negative batches entering each layer (index 0: the label-overlaid inputs). */
    private final float[][] posIn;
    private final float[][] negIn;
    private final float[][] posGoodness;
    private final float[][] negGoodness;
    private final float[] posOffset;
    private final float[] negOffset;
    private final float[] neu;
    private final float[] readoutIn;
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
        this.readoutBaseRate = hp.getDouble("readoutLearningRate");
        double momentum = hp.getDouble("momentum");
        this.smoothing = 1 - momentum;
        this.hardNegatives = hp.getString("negatives").equals("hard");
        this.readoutInference = hp.getString("inference").equals("readout");
        List<LayerSpec> layers = context.model().layers();
        this.hidden = layers.size() - 1;
        this.collaborative = hp.getBoolean("collaborative") && hidden > 1;
        this.firstCollaborator = Math.min(hp.getInt("collaborateFrom"), hidden) - 1;
        double peer = hp.getDouble("peerNormalization");
        double temperature = hp.getDouble("temperature");

        Graph g = new Graph();
        List<Tensor[]> params = new ArrayList<>();
        int[] widths = new int[hidden + 1];
        double[] thresholds = new double[hidden];
        long baseSeed = new SplittableRandom(seed).split().nextLong();
        int fanIn = features;
        for (int i = 0; i <= hidden; i++) {
            int out = layers.get(i).units();
            // The readout starts at zero, as in Hinton's code: it then predicts uniformly and
            // the first hard negatives are uniform too.
            Init init = i < hidden ? Init.normal(0, Math.sqrt(1.0 / fanIn), baseSeed + 31L * i) : Init.zeros();
            Tensor w = g.parameter("layer" + i + ".weight", init, out, fanIn);
            Tensor b = g.parameter("layer" + i + ".bias", Init.zeros(), out);
            params.add(new Tensor[] {w, b});
            parameterNames.add(w.name());
            parameterNames.add(b.name());
            if (i < hidden) {
                thresholds[i] = hp.getDouble("threshold") > 0 ? hp.getDouble("threshold") : out;
                widths[i + 1] = out;
            }
            fanIn = out;
        }
        widths[0] = features;
        Tensor rate = g.input("learningRate");
        Tensor readoutRate = g.input("readoutLearningRate");
        // Weight cost on weights only, as in Hinton's code; biases are not pulled toward zero.
        Optimizer weightSgd = Optimizer.sgd(rate, momentum, hp.getDouble("weightCost"));
        Optimizer biasSgd = Optimizer.sgd(rate, momentum, 0);
        Optimizer readoutWeightSgd = Optimizer.sgd(readoutRate, momentum, hp.getDouble("readoutWeightCost"));
        Optimizer readoutBiasSgd = Optimizer.sgd(readoutRate, momentum, 0);

        this.inputNames = new String[hidden][];
        this.lossKeys = new String[hidden];
        for (int i = 0; i < hidden; i++) {
            inputNames[i] = new String[] {"pos" + i, "neg" + i, "posOffset" + i, "negOffset" + i};
            lossKeys[i] = "layer" + (i + 1) + ".loss";
        }
        Step[] layerDefs = new Step[hidden];
        Step[] goodnessDefs = new Step[hidden];
        for (int i = 0; i < hidden; i++) {
            Tensor[] p = params.get(i);
            // The label-overlaid input is normalized inside the first layer's step; later layers
            // receive the normalized activities the previous step handed on.
            Tensor xp = g.input(inputNames[i][0], batch, widths[i]);
            Tensor xn = g.input(inputNames[i][1], batch, widths[i]);
            if (i == 0) {
                xp = rmsNormalize(g, xp);
                xn = rmsNormalize(g, xn);
            }
            Tensor zp = g.add(g.matmul(xp, p[0], false, true), p[1]);
            Tensor ap = g.relu(zp);
            Tensor an = g.relu(g.add(g.matmul(xn, p[0], false, true), p[1]));
            Tensor gp = Functions.sumOfSquares(ap, 1);
            Tensor gn = Functions.sumOfSquares(an, 1);
            Tensor nextPos = rmsNormalize(g, ap);
            Tensor nextNeg = rmsNormalize(g, an);
            double theta = thresholds[i];
            Tensor gpLoss = gp;
            Tensor gnLoss = gn;
            if (collaborative && i >= firstCollaborator) {
                // The other collaborating layers' goodness, computed before any update, enters as
                // a constant; the threshold is the sum of theirs and this layer's.
                gpLoss = g.add(gp, g.input(inputNames[i][2], batch));
                gnLoss = g.add(gn, g.input(inputNames[i][3], batch));
                theta = Arrays.stream(thresholds, firstCollaborator, hidden).sum();
            }
            if (collaborative) {
                goodnessDefs[i] = g.step().output("posGoodness", gp).output("negGoodness", gn)
                        .output("pos", nextPos).output("neg", nextNeg).build();
            }
            // softplus((θ − G_pos)/T) + softplus((G_neg − θ)/T), batch means.
            Tensor local = g.add(g.meanAll(Functions.softplus(g.mul(g.sub(gpLoss, theta), -1 / temperature))),
                    g.meanAll(Functions.softplus(g.mul(g.sub(gnLoss, theta), 1 / temperature))));
            // Hinton's code steps along (1 − p)·y per unit, half the exact gradient 2(1 − p)·y of
            // the loss; the learning rates are his, so the step descends half the loss.
            Tensor objective = g.mul(local, 0.5);
            Step.Builder builder = g.step().output("loss", local);
            if (peer > 0) {
                // Peer normalization as in Hinton's code: a running mean of each unit's activity on
                // positive data; each unit's total input is pushed by λ (mean − layer mean). The
                // push is applied to the total input, not through the ReLU, so a unit that is
                // always off is still pulled back on: the term is linear in z with a constant
                // coefficient, so its gradient is exactly that push.
                Tensor running = g.state("peer/layer" + i + ".meanActivity", Init.constant(0.5), widths[i + 1]);
                Tensor updated = g.add(g.mul(running, 0.9), g.mul(g.mean(ap, 0, false), 0.1));
                builder.assign(running, updated);
                Tensor excess = g.stopGradient(g.sub(updated, g.meanAll(updated)));
                Tensor push = g.mul(g.sum(g.mul(g.mean(zp, 0, false), excess), 0), peer);
                objective = g.add(objective, push);
            }
            if (i < hidden - 1 && !collaborative) {
                builder.output("pos", nextPos).output("neg", nextNeg);
            }
            List<Tensor> grads = Autodiff.grad(objective, List.of(p[0], p[1]));
            weightSgd.apply(builder, List.of(p[0]), List.of(grads.get(0)));
            biasSgd.apply(builder, List.of(p[1]), List.of(grads.get(1)));
            layerDefs[i] = builder.build();
        }

        Tensor neuIn = g.input("neu", batch, features);
        Tensor neutralReadoutIn = readoutInput(g, neuIn, params);
        Tensor[] out = params.get(hidden);
        Step neutralDef = g.step().output("probabilities", Functions.softmax(readoutLogits(g, neutralReadoutIn, out), 1))
                .output("readoutIn", neutralReadoutIn).build();
        Tensor readoutX = g.input("readoutIn", batch, widths[hidden]);
        Tensor labels = g.input("y", batch);
        Tensor readoutLoss = Functions.softmaxCrossEntropyWithLabels(readoutLogits(g, readoutX, out), labels);
        Step.Builder readoutBuilder = g.step().output("loss", readoutLoss);
        List<Tensor> readoutGrads = Autodiff.grad(readoutLoss, List.of(out[0], out[1]));
        readoutWeightSgd.apply(readoutBuilder, List.of(out[0]), List.of(readoutGrads.get(0)));
        readoutBiasSgd.apply(readoutBuilder, List.of(out[1]), List.of(readoutGrads.get(1)));

        Tensor evalInput = g.input("ex", evalBatch, features);
        Tensor evalGoodness = null;
        Tensor in = rmsNormalize(g, evalInput);
        for (int i = 0; i < hidden; i++) {
            Tensor a = g.relu(g.add(g.matmul(in, params.get(i)[0], false, true), params.get(i)[1]));
            // Plain FF leaves out the first layer, as Hinton does; when every layer collaborates,
            // the layers have learned the sum over all of them, so all of them count.
            if (i >= 1 || hidden == 1 || (collaborative && firstCollaborator == 0)) {
                Tensor gi = Functions.sumOfSquares(a, 1);
                evalGoodness = evalGoodness == null ? gi : g.add(evalGoodness, gi);
            }
            in = rmsNormalize(g, a);
        }
        // The loop's last normalized activity is the readout's input: one forward pass feeds both.
        Step evalDef = g.step().output("goodness", evalGoodness).output("logits", readoutLogits(g, in, out)).build();

        this.instance = context.backend().open(g);
        this.layerSteps = new CompiledStep[hidden];
        this.goodnessSteps = new CompiledStep[hidden];
        for (int i = 0; i < hidden; i++) {
            layerSteps[i] = instance.compile(layerDefs[i]);
            goodnessSteps[i] = collaborative ? instance.compile(goodnessDefs[i]) : null;
        }
        this.neutralStep = instance.compile(neutralDef);
        this.readoutStep = instance.compile(readoutBuilder.build());
        this.evalStep = instance.compile(evalDef);
        this.posIn = new float[hidden][];
        this.negIn = new float[hidden][];
        // Without collaboration a layer's input is consumed (copied into its step) before the
        // layer's output is read back, so layers of one width can share one pair of arrays.
        Map<Integer, float[][]> shared = new HashMap<>();
        for (int i = 0; i < hidden; i++) {
            int size = batch * widths[i];
            float[][] pair = collaborative || i == 0 ? new float[][] {new float[size], new float[size]}
                    : shared.computeIfAbsent(size, n -> new float[][] {new float[n], new float[n]});
            posIn[i] = pair[0];
            negIn[i] = pair[1];
        }
        this.posGoodness = new float[hidden][batch];
        this.negGoodness = new float[hidden][batch];
        this.posOffset = new float[batch];
        this.negOffset = new float[batch];
        this.neu = new float[batch * features];
        this.readoutIn = new float[batch * widths[hidden]];
        this.y = new float[batch];
        this.probabilities = new float[batch * classes];
        this.ex = new float[evalBatch * features];
        this.goodness = new float[evalBatch];
        this.logits = new float[evalBatch * classes];
        context.log(ForwardForward.NAME + " on " + context.backend().name() + ": " + context.model().describe()
                + ", batch " + batch + ", " + stepsPerEpoch + " steps per epoch, negatives "
                + hp.getString("negatives") + (collaborative ? ", collaborative" : "") + ", one step per layer");
    }

    /** The readout's input: the last hidden layer's normalized activity from a forward pass. */
    private Tensor readoutInput(Graph g, Tensor x, List<Tensor[]> params) {
        Tensor in = rmsNormalize(g, x);
        for (int i = 0; i < hidden; i++) {
            in = rmsNormalize(g, g.relu(g.add(g.matmul(in, params.get(i)[0], false, true), params.get(i)[1])));
        }
        return in;
    }

    /**
     * Hinton's normalization: each row divided by its root mean square, so its squared length is
     * the number of units. Dividing by the length alone would make every activity of order
     * 1/√width, and the next layer's goodness would start far below θ = width.
     */
    private static Tensor rmsNormalize(Graph g, Tensor x) {
        int width = x.shape().dim(1);
        return g.mul(Functions.lengthNormalize(x, 1, 1e-8), Math.sqrt(width));
    }

    private static Tensor readoutLogits(Graph g, Tensor x, Tensor[] out) {
        return g.add(g.matmul(x, out[0], false, true), out[1]);
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
        return baseRate * scheduleAt(step);
    }

    private double scheduleAt(long step) {
        return LearningRateSchedule.CONSTANT_THEN_LINEAR.factor(step, totalSteps());
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
        float[] pos = posIn[0];
        float[] neg = negIn[0];
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
        neutralStep.setInput("neu", neu);
        neutralStep.run();
        neutralStep.readOutput("readoutIn", readoutIn);
        neutralStep.readOutput("probabilities", probabilities);
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        for (int r = 0; r < batch; r++) {
            overlay(neg, r, wrongLabel((int) y[r], r, random));
        }

        if (collaborative) {
            for (int i = 0; i < hidden; i++) {
                CompiledStep forward = goodnessSteps[i];
                forward.setInput(inputNames[i][0], posIn[i]);
                forward.setInput(inputNames[i][1], negIn[i]);
                forward.run();
                forward.readOutput("posGoodness", posGoodness[i]);
                forward.readOutput("negGoodness", negGoodness[i]);
                if (i < hidden - 1) {
                    forward.readOutput("pos", posIn[i + 1]);
                    forward.readOutput("neg", negIn[i + 1]);
                }
            }
        }
        rateFeed[0] = (float) (rateAt(step) * smoothing);
        readoutRateFeed[0] = (float) (readoutBaseRate * scheduleAt(step) * smoothing);
        Map<String, Double> metrics = new LinkedHashMap<>();
        double total = 0;
        for (int i = 0; i < hidden; i++) {
            CompiledStep layer = layerSteps[i];
            layer.setInput(inputNames[i][0], posIn[i]);
            layer.setInput(inputNames[i][1], negIn[i]);
            layer.setInput("learningRate", rateFeed);
            if (collaborative && i >= firstCollaborator) {
                others(posGoodness, i, posOffset);
                others(negGoodness, i, negOffset);
                layer.setInput(inputNames[i][2], posOffset);
                layer.setInput(inputNames[i][3], negOffset);
            }
            layer.run();
            if (i < hidden - 1 && !collaborative) {
                layer.readOutput("pos", posIn[i + 1]);
                layer.readOutput("neg", negIn[i + 1]);
            }
            double loss = layer.outputScalar("loss");
            metrics.put(lossKeys[i], loss);
            total += loss;
        }
        readoutStep.setInput("readoutIn", readoutIn);
        readoutStep.setInput("y", y);
        readoutStep.setInput("readoutLearningRate", readoutRateFeed);
        readoutStep.run();
        double readoutLoss = readoutStep.outputScalar("loss");
        metrics.put("readout.loss", readoutLoss);
        return new StepResult(total + readoutLoss, batch, metrics);
    }

    /** A wrong label for row {@code r}: drawn from the neutral pass's readout without the true label, or uniformly. */
    private int wrongLabel(int truth, int r, SplittableRandom random) {
        if (!hardNegatives) {
            int wrong = random.nextInt(classes - 1);
            return wrong >= truth ? wrong + 1 : wrong;
        }
        double mass = 0;
        for (int c = 0; c < classes; c++) {
            mass += c == truth ? 0 : probabilities[r * classes + c];
        }
        double u = random.nextDouble() * mass;
        for (int c = 0; c < classes; c++) {
            if (c != truth) {
                u -= probabilities[r * classes + c];
                if (u <= 0) {
                    return c;
                }
            }
        }
        return truth == classes - 1 ? classes - 2 : classes - 1;
    }

    /** Writes into {@code into} the goodness summed over every collaborating layer but {@code skip}. */
    private void others(float[][] goodness, int skip, float[] into) {
        Arrays.fill(into, 0f);
        for (int t = firstCollaborator; t < goodness.length; t++) {
            if (t != skip) {
                for (int r = 0; r < into.length; r++) {
                    into[r] += goodness[t][r];
                }
            }
        }
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
        return GraphTraining.snapshot(instance, layerSteps[0], stepsDone);
    }

    @Override
    public void restore(TrainerState state) {
        GraphTraining.restore(instance, layerSteps[0], state);
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
