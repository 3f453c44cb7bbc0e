package dev.neurite.api.algorithm;

import dev.neurite.api.model.StoredTensor;

import java.util.List;
import java.util.Map;

/**
 * Everything a trainer needs to continue exactly where it stopped: parameters, optimiser
 * state and counters. The runtime writes it to disk as a checkpoint.
 *
 * @param step       optimisation steps completed
 * @param tensors    parameters and optimiser state
 * @param attributes small scalar state in text form (for example a random generator's seed)
 */
public record TrainerState(long step, List<StoredTensor> tensors, Map<String, String> attributes) {

    public TrainerState {
        tensors = List.copyOf(tensors);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** The tensor with this name. */
    public StoredTensor tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("checkpoint has no tensor " + name));
    }
}
