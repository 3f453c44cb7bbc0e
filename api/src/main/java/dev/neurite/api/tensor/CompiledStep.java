package dev.neurite.api.tensor;

import dev.neurite.api.model.StoredTensor;
import org.osgi.annotation.versioning.ProviderType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step ready to run. Feed inputs with {@link #setInput}, call {@link #run()}, read outputs
 * with {@link #readOutput}: in steady state this cycle allocates nothing on the Java heap for
 * backends that can avoid it. Not thread-safe.
 */
@ProviderType
public interface CompiledStep extends AutoCloseable {

    /** The step. */
    Step step();

    /** The instance holding the variables. */
    GraphInstance instance();

    /** Copies {@code values} (row-major, exactly the input's size) into input {@code name}. */
    void setInput(String name, float[] values);

    /** Computes the outputs and then applies the assignments. */
    void run();

    /** Copies output {@code name} of the last run into {@code target}. */
    void readOutput(String name, float[] target);

    /** The first element of output {@code name}: the value of a scalar output. */
    float outputScalar(String name);

    /**
     * Runs completed: random ops draw from (seed, run count), so saving and restoring this
     * number makes a resumed run draw the same numbers.
     */
    long runCount();

    /** Sets the run count, for example after restoring a checkpoint. */
    void setRunCount(long runs);

    /** Convenience: feeds the inputs, runs and returns every output in new arrays. */
    default Map<String, float[]> run(Map<String, float[]> inputs) {
        inputs.forEach(this::setInput);
        run();
        Map<String, float[]> out = new LinkedHashMap<>();
        step().outputs().forEach((name, t) -> {
            float[] values = new float[t.size()];
            readOutput(name, values);
            out.put(name, values);
        });
        return out;
    }

    /** The instance's variables; see {@link GraphInstance#variables()}. */
    default List<StoredTensor> variables() {
        return instance().variables();
    }

    /** One variable of the instance; see {@link GraphInstance#variable(String)}. */
    default StoredTensor variable(String name) {
        return instance().variable(name);
    }

    /** Sets a variable of the instance; see {@link GraphInstance#setVariable(StoredTensor)}. */
    default void setVariable(StoredTensor value) {
        instance().setVariable(value);
    }

    /** Releases the step's buffers (and its instance, if it owns it). */
    @Override
    void close();
}
