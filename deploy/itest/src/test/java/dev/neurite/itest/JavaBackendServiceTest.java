package dev.neurite.itest;

import dev.neurite.api.tensor.Autodiff;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The runtime registers the Java backend as a service that compiles and runs steps. */
class JavaBackendServiceTest {

    @InjectService(filter = "(neurite.backend=java)", timeout = 10_000)
    Backend backend;

    @Test
    void theJavaBackendServiceComputesAStepAndItsGradient() {
        assertEquals("java", backend.name());
        // Vector kernels exactly when the framework's JVM has the incubator module (then the
        // runtime's optional import is wired); scalar kernels otherwise.
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(vectorModule, backend.device().simdWidthBits() > 0, backend.device().toString());
        Graph g = new Graph();
        Tensor x = g.input("x", 1, 2);
        Tensor w = g.parameter("w", Init.values(1f, 2f, 3f, 4f), 2, 2);
        Tensor y = g.sumAll(g.matmul(x, w));
        Tensor grad = Autodiff.grad(y, List.of(w)).get(0);
        try (CompiledStep step = backend.compile(g.step().output("y", y).output("dw", grad).build())) {
            step.setInput("x", new float[] {1f, -1f});
            step.run();
            assertEquals(-4f, step.outputScalar("y"));
            float[] dw = new float[4];
            step.readOutput("dw", dw);
            assertArrayEquals(new float[] {1f, 1f, -1f, -1f}, dw);
        }
    }
}
