package dev.neurite.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained model as handed to the {@link ModelStore}: what produced it, its architecture,
 * its tensors and its final metrics.
 *
 * @param name             model name; versions are counted per name
 * @param algorithm        name of the training algorithm that produced it
 * @param algorithmVersion version of that algorithm
 * @param spec             architecture
 * @param tensors          parameters, each name unique
 * @param metrics          final metrics, for example {@code test.accuracy}
 * @param attributes       free-form provenance (dataset, job id, hyperparameters)
 */
public record ModelArtifact(String name, String algorithm, String algorithmVersion, ModelSpec spec,
                            List<StoredTensor> tensors, Map<String, Double> metrics, Map<String, String> attributes) {

    public ModelArtifact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(spec, "spec");
        tensors = List.copyOf(tensors);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (tensors.stream().map(StoredTensor::name).distinct().count() != tensors.size()) {
            throw new IllegalArgumentException("tensor names must be unique in model " + name);
        }
    }

    /** The tensor with this name. */
    public StoredTensor tensor(String tensorName) {
        return tensors.stream().filter(t -> t.name().equals(tensorName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model " + name + " has no tensor " + tensorName));
    }
}
