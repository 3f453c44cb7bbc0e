package dev.neurite.api.tensor;

import dev.neurite.api.model.StoredTensor;
import org.osgi.annotation.versioning.ProviderType;

import java.util.List;

/**
 * The variables of one graph on one backend, and the steps compiled against them (for
 * example a training step and an evaluation step sharing parameters). Not thread-safe: run
 * one step of an instance at a time.
 */
@ProviderType
public interface GraphInstance extends AutoCloseable {

    /** The graph. */
    Graph graph();

    /** Compiles a step of this instance's graph. */
    default CompiledStep compile(Step step) {
        return compile(step, false);
    }

    /**
     * Compiles a step; when {@code ownsInstance} the step's {@link CompiledStep#close()} also
     * closes this instance.
     */
    CompiledStep compile(Step step, boolean ownsInstance);

    /** The current value of a variable, as stored in checkpoints and models. */
    StoredTensor variable(String name);

    /** All variables (parameters and state), in graph order. */
    List<StoredTensor> variables();

    /** Sets a variable from a stored tensor with the variable's name and shape. */
    void setVariable(StoredTensor value);

    /** Releases buffers and native resources; compiled steps of the instance become unusable. */
    @Override
    void close();
}
