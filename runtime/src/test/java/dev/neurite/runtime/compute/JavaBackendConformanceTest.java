package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.Backend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The conformance suite on the Java backend. Surefire runs it twice: without the Vector API
 * (scalar kernels) and with {@code --add-modules jdk.incubator.vector} (vector kernels).
 */
class JavaBackendConformanceTest extends BackendConformance {

    @Override
    protected Backend createBackend() {
        return new JavaBackend();
    }

    @Test
    void usesTheKernelsThisJvmOffers() {
        boolean expected = Boolean.getBoolean("neurite.expect.vector");
        assertEquals(expected, ((JavaBackend) backend()).vectorized(),
                "vector kernels in use (the vector-kernels Surefire execution adds the module)");
    }
}
