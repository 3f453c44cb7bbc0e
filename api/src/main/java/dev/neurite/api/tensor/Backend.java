package dev.neurite.api.tensor;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs steps of graphs on one device. Registered as a service with the property
 * {@value #NAME_PROPERTY}; the Java backend ({@code java}) is always present.
 */
@ProviderType
public interface Backend {

    /** Service property carrying {@link #name()}. */
    String NAME_PROPERTY = "neurite.backend";

    /** Short name, for example {@code java} or {@code tensorflow}. */
    String name();

    /** The device the backend computes on. */
    AcceleratorDescriptor device();

    /**
     * Allocates the variables of {@code graph} (set to their initializers) for steps to share.
     * Two instances of one graph hold independent variables.
     */
    GraphInstance open(Graph graph);

    /** Compiles one step in an instance of its own; closing the step closes the instance. */
    default CompiledStep compile(Step step) {
        GraphInstance instance = open(step.graph());
        return instance.compile(step, true);
    }
}
