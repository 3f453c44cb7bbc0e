package dev.neurite.algorithm.softmax;

import dev.neurite.api.algorithm.Hyperparameters;
import dev.neurite.api.algorithm.StepResult;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainerState;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.data.EpochOrder;
import dev.neurite.api.model.StoredTensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Plain-array SGD for one softmax layer. The data order of epoch {@code e} is a shuffle seeded
 * by the job seed and {@code e}, so a restored trainer sees exactly the batches it would have.
 */
final class SoftmaxTrainer implements Trainer {

    static final String WEIGHT = "layer0.weight";
    static final String BIAS = "layer0.bias";

    private final Dataset train;
    private final Optional<Dataset> test;
    private final int features;
    private final int classes;
    private final int batchSize;
    private final int epochs;
    private final float learningRate;
    private final float l2;
    private final long seed;
    private final long stepsPerEpoch;

    private final float[] weight;
    private final float[] bias;
    private final float[] gradWeight;
    private final float[] gradBias;
    private final float[] x;
    private final float[] probabilities;
    private final EpochOrder order;

    SoftmaxTrainer(TrainingContext context) {
        Hyperparameters hp = context.hyperparameters();
        this.train = context.trainData();
        this.test = context.testData();
        this.features = context.model().inputSize();
        this.classes = context.model().outputSize();
        this.batchSize = Math.min(hp.getInt("batchSize"), train.size());
        this.epochs = hp.getInt("epochs");
        this.learningRate = (float) hp.getDouble("learningRate");
        this.l2 = (float) hp.getDouble("l2");
        this.seed = context.seed();
        this.order = new EpochOrder(train.size(), seed);
        this.stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
        this.weight = new float[classes * features];
        this.bias = new float[classes];
        this.gradWeight = new float[weight.length];
        this.gradBias = new float[classes];
        this.x = new float[features];
        this.probabilities = new float[classes];
        // Small random start (zero would also train; random shows the seed matters).
        SplittableRandom random = new SplittableRandom(seed);
        float scale = (float) (0.01 / Math.sqrt(features));
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (random.nextDouble() * 2 - 1) * scale;
        }
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
        int begin = (int) ((step % stepsPerEpoch) * batchSize);
        int end = Math.min(indices.length, begin + batchSize);
        java.util.Arrays.fill(gradWeight, 0f);
        java.util.Arrays.fill(gradBias, 0f);
        double loss = 0;
        for (int n = begin; n < end; n++) {
            int index = indices[n];
            train.copyFeatures(index, x, 0);
            int label = train.label(index);
            forward(x, probabilities);
            loss -= Math.log(Math.max(probabilities[label], 1e-12f));
            probabilities[label] -= 1f;
            for (int c = 0; c < classes; c++) {
                float g = probabilities[c];
                if (g == 0f) {
                    continue;
                }
                gradBias[c] += g;
                int row = c * features;
                for (int j = 0; j < features; j++) {
                    gradWeight[row + j] += g * x[j];
                }
            }
        }
        int count = end - begin;
        float rate = learningRate / count;
        for (int i = 0; i < weight.length; i++) {
            weight[i] -= rate * gradWeight[i] + learningRate * l2 * weight[i];
        }
        for (int c = 0; c < classes; c++) {
            bias[c] -= rate * gradBias[c];
        }
        return new StepResult(loss / count, count, Map.of());
    }

    /** Softmax of {@code W x + b}, computed with the maximum subtracted for stability. */
    private void forward(float[] input, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            float z = bias[c];
            int row = c * features;
            for (int j = 0; j < features; j++) {
                z += weight[row + j] * input[j];
            }
            out[c] = z;
            max = Math.max(max, z);
        }
        float sum = 0;
        for (int c = 0; c < classes; c++) {
            out[c] = (float) Math.exp(out[c] - max);
            sum += out[c];
        }
        for (int c = 0; c < classes; c++) {
            out[c] /= sum;
        }
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        test.ifPresent(data -> {
            float[] input = new float[features];
            float[] out = new float[classes];
            int correct = 0;
            double loss = 0;
            for (int i = 0; i < data.size(); i++) {
                data.copyFeatures(i, input, 0);
                forward(input, out);
                int label = data.label(i);
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (out[c] > out[best]) {
                        best = c;
                    }
                }
                correct += best == label ? 1 : 0;
                loss -= Math.log(Math.max(out[label], 1e-12f));
            }
            metrics.put("test.accuracy", correct / (double) data.size());
            metrics.put("test.loss", loss / data.size());
        });
        return metrics;
    }

    @Override
    public TrainerState snapshot(long stepsDone) {
        return new TrainerState(stepsDone, parameters(), Map.of());
    }

    @Override
    public void restore(TrainerState state) {
        float[] w = state.tensor(WEIGHT).toFloats();
        float[] b = state.tensor(BIAS).toFloats();
        if (w.length != weight.length || b.length != bias.length) {
            throw new IllegalArgumentException("checkpoint shapes do not match the model");
        }
        System.arraycopy(w, 0, weight, 0, w.length);
        System.arraycopy(b, 0, bias, 0, b.length);
    }

    @Override
    public List<StoredTensor> parameters() {
        return List.of(StoredTensor.ofFloats(WEIGHT, new int[] {classes, features}, weight),
                StoredTensor.ofFloats(BIAS, new int[] {classes}, bias));
    }
}
