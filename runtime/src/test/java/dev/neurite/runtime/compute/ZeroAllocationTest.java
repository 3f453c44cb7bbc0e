package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Functions;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Optimizer;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A compiled training step allocates nothing per run, on the calling thread or in the pool. */
class ZeroAllocationTest {

    @Test
    void aTrainingStepAllocatesNothingInSteadyState() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        int batch = 64;
        Graph g = new Graph();
        Tensor x = g.input("x", batch, 300);
        Tensor y = g.input("y", batch);
        Tensor w1 = g.parameter("w1", Init.normal(0, 0.05, 1), 300, 200);
        Tensor b1 = g.parameter("b1", Init.zeros(), 200);
        Tensor w2 = g.parameter("w2", Init.normal(0, 0.05, 2), 10, 200);
        // Every kernel family in one step: GEMM (all transpose cases through the gradients),
        // element-wise with broadcasting, reductions, where, gather/one-hot, random, concat/slice.
        Tensor h = g.relu(g.add(g.matmul(x, w1), b1));
        Tensor dropped = g.div(g.mul(h, g.bernoulli(5, 0.9, batch, 200)), 0.9);
        Tensor both = g.concat(1, dropped, g.tanh(h));
        Tensor z = g.matmul(g.slice(both, 1, 0, 200), w2, false, true);
        Tensor logits = g.where(g.less(z, g.scalar(-50)), g.scalar(-50), z);
        Tensor loss = Functions.softmaxCrossEntropyWithLabels(logits, y);
        Step.Builder step = g.step().output("loss", loss).output("acc", Functions.accuracy(logits, y))
                .output("t", g.transpose(Functions.layerNorm(h, 1, 1e-5)));
        Optimizer.adam(1e-3, 0.9, 0.999, 1e-8, 0.01).minimize(step, loss, g.parameters());

        SplittableRandom random = new SplittableRandom(1);
        float[] xv = new float[batch * 300];
        float[] yv = new float[batch];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < batch; i++) {
            yv[i] = random.nextInt(10);
        }
        try (JavaBackend backend = new JavaBackend(2, true); CompiledStep run = backend.compile(step.build())) {
            Runnable one = () -> {
                run.setInput("x", xv);
                run.setInput("y", yv);
                run.run();
                run.outputScalar("loss");
            };
            // Warm up until the JIT has settled (its tier changes may allocate once or twice).
            for (int i = 0; i < 1000; i++) {
                one.run();
            }
            long[] ids = computeThreadIds();
            long before = allocated(threads, ids);
            for (int i = 0; i < 1000; i++) {
                one.run();
            }
            long after = allocated(threads, ids);
            float first = run.outputScalar("loss");
            assertTrue(Float.isFinite(first));
            assertEquals(0, after - before, "bytes allocated by 1000 steps on " + backend);
        }
    }

    private static long[] computeThreadIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t == Thread.currentThread() || t.getName().startsWith("neurite-compute-"))
                .mapToLong(Thread::getId).toArray();
    }

    private static long allocated(com.sun.management.ThreadMXBean threads, long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += threads.getThreadAllocatedBytes(id);
        }
        return sum;
    }
}
