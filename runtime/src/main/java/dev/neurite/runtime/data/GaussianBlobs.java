package dev.neurite.runtime.data;

import dev.neurite.api.data.Dataset;

import java.util.SplittableRandom;

/**
 * A generated, always-available classification set: {@value #CLASSES} Gaussian clusters in
 * {@value #FEATURES} dimensions. It lets a device (and the tests) run a real job with no data
 * installed. Train and test draw from the same clusters with different sample seeds.
 */
final class GaussianBlobs implements Dataset {

    static final int CLASSES = 10;
    static final int FEATURES = 32;
    private static final long CENTRE_SEED = 20221213L;

    private final String name;
    private final float[] features;
    private final int[] labels;

    GaussianBlobs(String name, int size, long sampleSeed) {
        this.name = name;
        SplittableRandom centres = new SplittableRandom(CENTRE_SEED);
        float[][] centre = new float[CLASSES][FEATURES];
        for (float[] c : centre) {
            for (int j = 0; j < FEATURES; j++) {
                c[j] = (float) (centres.nextDouble() * 2 - 1);
            }
        }
        SplittableRandom random = new SplittableRandom(sampleSeed);
        features = new float[size * FEATURES];
        labels = new int[size];
        for (int i = 0; i < size; i++) {
            int label = i % CLASSES;
            labels[i] = label;
            for (int j = 0; j < FEATURES; j++) {
                features[i * FEATURES + j] = centre[label][j] + (float) (gaussian(random) * 0.35);
            }
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] featureShape() {
        return new int[] {FEATURES};
    }

    @Override
    public int numClasses() {
        return CLASSES;
    }

    @Override
    public void copyFeatures(int index, float[] target, int offset) {
        System.arraycopy(features, index * FEATURES, target, offset, FEATURES);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }
}
