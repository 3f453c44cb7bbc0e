package dev.neurite.api.model;

import java.util.Map;
import java.util.Objects;

/**
 * One layer of a layered network. {@code type} names the layer kind ({@value #DENSE} today);
 * kinds added later (convolution, spiking, quantized) carry their extra settings in
 * {@code options}, so new kinds need no change to this record.
 *
 * @param type       layer kind, for example {@value #DENSE}
 * @param units      output width of the layer
 * @param activation nonlinearity applied to the layer's output
 * @param options    kind-specific settings, empty for dense layers
 */
public record LayerSpec(String type, int units, Activation activation, Map<String, String> options) {

    /** A fully connected layer. */
    public static final String DENSE = "dense";

    public LayerSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(activation, "activation");
        if (units <= 0) {
            throw new IllegalArgumentException("layer units must be positive, got " + units);
        }
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** A dense layer with the given width and activation. */
    public static LayerSpec dense(int units, Activation activation) {
        return new LayerSpec(DENSE, units, activation, Map.of());
    }
}
