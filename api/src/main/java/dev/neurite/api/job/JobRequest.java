package dev.neurite.api.job;

import dev.neurite.api.model.ModelSpec;

import java.util.Map;
import java.util.Objects;

/**
 * What to train.
 *
 * @param algorithm       name of a registered training algorithm
 * @param trainDataset    registry name of the training set, for example {@code mnist/train}
 * @param testDataset     registry name of the evaluation set, or {@code null} for none
 * @param model           architecture, or {@code null} for the algorithm's default for the data
 * @param hyperparameters raw values by name, validated against the algorithm's declarations
 * @param seed            random seed; equal seeds give equal runs on the same backend
 * @param modelName       name under which the result is stored, or {@code null} for the job id
 * @param accelerator     device id to run on, or {@code null} for the default device
 */
public record JobRequest(String algorithm, String trainDataset, String testDataset, ModelSpec model,
                         Map<String, String> hyperparameters, long seed, String modelName, String accelerator) {

    public JobRequest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(trainDataset, "trainDataset");
        hyperparameters = hyperparameters == null ? Map.of() : Map.copyOf(hyperparameters);
    }
}
