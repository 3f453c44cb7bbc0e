package dev.neurite.runtime.data;

import dev.neurite.api.data.Dataset;

/**
 * Unsigned-byte examples with byte labels, kept as bytes (a quarter of the memory of floats)
 * and scaled to [0, 1] on read.
 */
final class ByteImageDataset implements Dataset {

    private static final float SCALE = 1f / 255f;

    private final String name;
    private final int[] featureShape;
    private final int featureSize;
    private final byte[] pixels;
    private final byte[] labels;
    private final int numClasses;

    ByteImageDataset(String name, int[] featureShape, byte[] pixels, byte[] labels) {
        this.name = name;
        this.featureShape = featureShape.clone();
        int size = 1;
        for (int d : featureShape) {
            size *= d;
        }
        this.featureSize = size;
        this.pixels = pixels;
        this.labels = labels;
        int max = 0;
        for (byte label : labels) {
            max = Math.max(max, label & 0xff);
        }
        this.numClasses = max + 1;
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
        return featureShape.clone();
    }

    @Override
    public int featureSize() {
        return featureSize;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public void copyFeatures(int index, float[] target, int offset) {
        int base = index * featureSize;
        for (int i = 0; i < featureSize; i++) {
            target[offset + i] = (pixels[base + i] & 0xff) * SCALE;
        }
    }

    @Override
    public int label(int index) {
        return labels[index] & 0xff;
    }
}
