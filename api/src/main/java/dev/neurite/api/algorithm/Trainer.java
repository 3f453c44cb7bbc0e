package dev.neurite.api.algorithm;

import dev.neurite.api.model.StoredTensor;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;
import java.util.Map;

/**
 * One training run, driven step by step by the job manager. Step {@code s} must be a pure
 * function of the state after step {@code s - 1} and the seed (data order included), so that
 * a run restored from a checkpoint continues exactly as if it had never stopped.
 */
@ConsumerType
public interface Trainer extends AutoCloseable {

    /** Optimisation steps in one pass over the training data. */
    long stepsPerEpoch();

    /** Total optimisation steps of the run. */
    long totalSteps();

    /** Performs step {@code step} (counted from 0). */
    StepResult step(long step) throws Exception;

    /** Evaluates the current parameters, for example {@code test.accuracy} on the test set. */
    Map<String, Double> evaluate() throws Exception;

    /** The state to checkpoint after {@code stepsDone} steps. */
    TrainerState snapshot(long stepsDone);

    /** Restores a state taken by {@link #snapshot(long)} of a trainer with the same request. */
    void restore(TrainerState state);

    /** The trained parameters, to be stored as the model. */
    List<StoredTensor> parameters();

    /** Frees native or pooled resources; the default does nothing. */
    @Override
    default void close() {
    }
}
