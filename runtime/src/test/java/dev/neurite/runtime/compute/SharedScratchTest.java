package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Steps of one instance share scratch arrays, and still keep their own outputs. */
class SharedScratchTest {

    @Test
    void twoStepsOfAnInstanceNeedTheScratchOfTheLargerOneAndKeepTheirOutputs() {
        Graph g = new Graph();
        Tensor w = g.parameter("w", Init.normal(0, 1, 3), 64, 64);
        Tensor a = g.input("a", 8, 64);
        Tensor b = g.input("b", 8, 64);
        // Two chains of the same shapes: each needs two 8×64 intermediates before its output.
        Tensor hiddenA = g.relu(g.matmul(g.tanh(g.matmul(a, w)), w));
        Tensor outA = g.sum(hiddenA, 1, false);
        // An output of an intermediate's size, computed after intermediates were released.
        Tensor lateA = g.sigmoid(g.mul(hiddenA, hiddenA));
        Tensor outB = g.sum(g.relu(g.matmul(g.sigmoid(g.matmul(b, w)), w)), 1, false);
        float[] av = new float[8 * 64];
        float[] bv = new float[8 * 64];
        for (int i = 0; i < av.length; i++) {
            av[i] = (float) Math.sin(i);
            bv[i] = (float) Math.cos(3 * i);
        }
        try (JavaBackend backend = new JavaBackend(1, false)) {
            GraphInstance instance = backend.open(g);
            long before = backend.stepBufferBytes();
            CompiledStep stepA = instance.compile(g.step().output("y", outA).build());
            long one = backend.stepBufferBytes() - before;
            CompiledStep stepB = instance.compile(g.step().output("y", outB).build());
            long both = backend.stepBufferBytes() - before;
            // The second step adds only its own 8-float output: its intermediates reuse the first's.
            assertEquals(one + 4L * 8, both, "scratch shared between the steps");

            stepA.setInput("a", av);
            stepA.run();
            float[] first = new float[8];
            stepA.readOutput("y", first);
            stepB.setInput("b", bv);
            stepB.run();
            float[] afterB = new float[8];
            stepA.readOutput("y", afterB);
            assertArrayEquals(first, afterB, "A's output survives B's run");

            // And A recomputes the same values over scratch that B has written.
            stepA.run();
            float[] again = new float[8];
            stepA.readOutput("y", again);
            assertArrayEquals(first, again);

            // An output the size of released scratch gets its own array, not a shared one.
            CompiledStep stepC = instance.compile(g.step().output("late", lateA).build());
            stepC.setInput("a", av);
            stepC.run();
            float[] late = new float[8 * 64];
            stepC.readOutput("late", late);
            stepB.run();
            float[] lateAfterB = new float[8 * 64];
            stepC.readOutput("late", lateAfterB);
            assertArrayEquals(late, lateAfterB, "C's output survives B's run");

            // The same graph in separate instances holds twice the scratch.
            long separate = backend.stepBufferBytes();
            backend.open(g).compile(g.step().output("y", outA).build());
            backend.open(g).compile(g.step().output("y", outB).build());
            assertEquals(2 * one, backend.stepBufferBytes() - separate);
        }
    }
}
