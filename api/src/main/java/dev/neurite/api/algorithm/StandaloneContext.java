package dev.neurite.api.algorithm;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.tensor.Backend;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A training context assembled by hand, outside the job manager: for an algorithm's own
 * tests, benchmarks and tools that drive a trainer directly on a backend.
 *
 * @param jobId           a label for log lines
 * @param model           architecture to train
 * @param trainData       training data
 * @param testData        evaluation data, if any
 * @param hyperparameters validated settings
 * @param seed            random seed
 * @param backend         backend to run on; its device is the context's accelerator
 * @param logSink         receives the trainer's log lines
 */
public record StandaloneContext(String jobId, ModelSpec model, Dataset trainData, Optional<Dataset> testData,
                                Hyperparameters hyperparameters, long seed, Backend backend, Consumer<String> logSink)
        implements TrainingContext {

    /** A context whose hyperparameters are {@code given} checked against {@code algorithm}'s declarations. */
    public static StandaloneContext of(TrainingAlgorithm algorithm, Backend backend, ModelSpec model, Dataset train,
                                       Dataset test, java.util.Map<String, String> given, long seed) {
        return new StandaloneContext(algorithm.name(), model, train, Optional.ofNullable(test),
                Hyperparameters.resolve(algorithm.hyperparameters(), given), seed, backend, line -> { });
    }

    @Override
    public AcceleratorDescriptor accelerator() {
        return backend.device();
    }

    @Override
    public void log(String message) {
        logSink.accept(message);
    }
}
