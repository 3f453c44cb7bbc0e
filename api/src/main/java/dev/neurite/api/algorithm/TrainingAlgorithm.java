package dev.neurite.api.algorithm;

import dev.neurite.api.model.ModelSpec;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;

/**
 * A learning rule, registered as an OSGi service by its own bundle. The runtime finds it by
 * {@link #name()}; installing the bundle makes it available, stopping it cancels its jobs.
 */
@ConsumerType
public interface TrainingAlgorithm {

    /** Service property that carries {@link #name()}, so callers can filter on it. */
    String NAME_PROPERTY = "neurite.algorithm.name";

    /** Unique short name, for example {@code backprop} or {@code forward-forward}. */
    String name();

    /** Version of the rule's implementation. */
    String version();

    /** One or two sentences for users choosing between rules. */
    String description();

    /** Declared hyperparameters, with defaults that reproduce the rule's reference setting. */
    List<Hyperparameter> hyperparameters();

    /** The architecture used when a request names none, for data of this size. */
    ModelSpec defaultModel(int inputs, int classes);

    /**
     * Creates a trainer. Must fail fast, with an
     * {@link dev.neurite.api.job.InvalidRequestException} naming the field, for a model or
     * setting the rule cannot train.
     */
    Trainer createTrainer(TrainingContext context) throws Exception;
}
