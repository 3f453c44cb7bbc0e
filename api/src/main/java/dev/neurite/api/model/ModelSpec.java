package dev.neurite.api.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A layered network: the shape of one input example and the layers applied in order.
 * The last layer's width is the number of outputs (classes).
 *
 * @param inputShape shape of one example, for example {@code [784]} or {@code [28, 28]}
 * @param layers     layers from input to output; at least one
 */
public record ModelSpec(int[] inputShape, List<LayerSpec> layers) {

    public ModelSpec {
        Objects.requireNonNull(inputShape, "inputShape");
        inputShape = inputShape.clone();
        for (int d : inputShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input dimensions must be positive: " + Arrays.toString(inputShape));
            }
        }
        layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
    }

    /**
     * A multilayer perceptron: dense hidden layers with one activation, then a dense
     * softmax output layer of {@code outputs} units.
     */
    public static ModelSpec mlp(int inputs, int[] hidden, Activation activation, int outputs) {
        List<LayerSpec> layers = new ArrayList<>();
        for (int width : hidden) {
            layers.add(LayerSpec.dense(width, activation));
        }
        layers.add(LayerSpec.dense(outputs, Activation.SOFTMAX));
        return new ModelSpec(new int[] {inputs}, layers);
    }

    /** Number of input features: the product of the input shape. */
    public int inputSize() {
        int n = 1;
        for (int d : inputShape) {
            n *= d;
        }
        return n;
    }

    /** Width of the last layer. */
    public int outputSize() {
        return layers.get(layers.size() - 1).units();
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** A compact description such as {@code 784-1000(relu)-10(softmax)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(inputSize());
        for (LayerSpec layer : layers) {
            sb.append('-').append(layer.units()).append('(').append(layer.activation().name().toLowerCase())
                    .append(LayerSpec.DENSE.equals(layer.type()) ? "" : "," + layer.type()).append(')');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec other && Arrays.equals(inputShape, other.inputShape) && layers.equals(other.layers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + layers.hashCode();
    }

    @Override
    public String toString() {
        return "ModelSpec[" + describe() + "]";
    }
}
