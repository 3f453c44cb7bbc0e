package dev.neurite.edge.core;

import dev.neurite.api.model.Activation;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.ModelArtifact;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.model.StoredTensor;

import java.util.List;

/**
 * A plain-Java forward pass of a stored model made of dense layers: layer {@code i} uses
 * {@code layer<i>.weight} ({@code [units, inputs]}, row-major) and {@code layer<i>.bias}
 * ({@code [units]}), then its activation.
 */
public final class DenseModel {

    private final ModelSpec spec;
    private final float[][] weights;
    private final float[][] biases;
    private final int[] inputs;

    public DenseModel(ModelArtifact artifact) {
        this.spec = artifact.spec();
        List<LayerSpec> layers = spec.layers();
        weights = new float[layers.size()][];
        biases = new float[layers.size()][];
        inputs = new int[layers.size()];
        int in = spec.inputSize();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            if (!LayerSpec.DENSE.equals(layer.type())) {
                throw new IllegalArgumentException("layer " + i + " is " + layer.type() + "; only dense layers run here");
            }
            weights[i] = floats(artifact.tensor("layer" + i + ".weight"), new int[] {layer.units(), in});
            biases[i] = floats(artifact.tensor("layer" + i + ".bias"), new int[] {layer.units()});
            inputs[i] = in;
            in = layer.units();
        }
    }

    private static float[] floats(StoredTensor t, int[] shape) {
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(t.name() + " has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected " + java.util.Arrays.toString(shape));
        }
        return t.toFloats();
    }

    public int inputSize() {
        return spec.inputSize();
    }

    public int outputSize() {
        return spec.outputSize();
    }

    /** Runs one example through the network. */
    public float[] forward(float[] x) {
        if (x.length != spec.inputSize()) {
            throw new IllegalArgumentException("expected " + spec.inputSize() + " inputs, got " + x.length);
        }
        float[] a = x;
        for (int l = 0; l < weights.length; l++) {
            int units = biases[l].length;
            int n = inputs[l];
            float[] w = weights[l];
            float[] out = new float[units];
            for (int u = 0; u < units; u++) {
                double sum = biases[l][u];
                int row = u * n;
                for (int k = 0; k < n; k++) {
                    sum += w[row + k] * a[k];
                }
                out[u] = (float) sum;
            }
            activate(out, spec.layers().get(l).activation());
            a = out;
        }
        return a;
    }

    static void activate(float[] v, Activation activation) {
        switch (activation) {
            case IDENTITY -> {
            }
            case RELU -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.max(0f, v[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) Math.tanh(v[i]);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (1 / (1 + Math.exp(-v[i])));
                }
            }
            case SOFTMAX -> {
                float max = Float.NEGATIVE_INFINITY;
                for (float f : v) {
                    max = Math.max(max, f);
                }
                double sum = 0;
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) Math.exp(v[i] - max);
                    sum += v[i];
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (v[i] / sum);
                }
            }
            default -> throw new IllegalArgumentException("unsupported activation " + activation);
        }
    }
}
