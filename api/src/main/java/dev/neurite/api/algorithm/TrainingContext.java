package dev.neurite.api.algorithm;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.tensor.Backend;
import org.osgi.annotation.versioning.ProviderType;

import java.util.Optional;

/** What the runtime hands an algorithm to create a trainer: model, data, settings, device. */
@ProviderType
public interface TrainingContext {

    /** Id of the job the trainer runs for. */
    String jobId();

    /** Architecture to train. */
    ModelSpec model();

    /** Training data. */
    Dataset trainData();

    /** Evaluation data, if the request named any. */
    Optional<Dataset> testData();

    /** Validated hyperparameters. */
    Hyperparameters hyperparameters();

    /** Random seed of the run. */
    long seed();

    /** Device the job was placed on. */
    AcceleratorDescriptor accelerator();

    /**
     * The compute backend for the job's device: algorithms written against
     * {@code dev.neurite.api.tensor} compile their steps with it.
     *
     * @since 1.1
     */
    Backend backend();

    /** Appends a line to the job's log. */
    void log(String message);
}
