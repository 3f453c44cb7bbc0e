package dev.neurite.api.model;

import java.time.Instant;
import java.util.Map;

/**
 * What the store knows of one saved model version, without its tensors.
 *
 * @param name      model name
 * @param version   version number, counted from 1 per name
 * @param algorithm algorithm that produced it
 * @param spec      architecture
 * @param createdAt when it was saved
 * @param sizeBytes size of its tensor file
 * @param metrics   final metrics
 * @param attributes provenance
 */
public record ModelInfo(String name, int version, String algorithm, ModelSpec spec, Instant createdAt,
                        long sizeBytes, Map<String, Double> metrics, Map<String, String> attributes) {

    public ModelInfo {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** {@code name:version}, the form the Gogo commands and MQTT use. */
    public String reference() {
        return name + ":" + version;
    }
}
