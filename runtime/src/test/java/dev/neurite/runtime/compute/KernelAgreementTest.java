package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.Autodiff;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Functions;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vector and scalar kernels agree on a realistically sized MLP step: the loss and every
 * gradient (which exercise all GEMM transpose cases at sizes with edge tiles).
 */
class KernelAgreementTest {

    @Test
    void vectorAndScalarKernelsAgreeOnAnMlpStep() {
        assertTrue(JavaBackend.vectorAvailable(), "runs only in the vector-kernels execution, with --add-modules jdk.incubator.vector");
        int batch = 128;
        Graph g = new Graph();
        Tensor x = g.input("x", batch, 784);
        Tensor y = g.input("y", batch);
        Tensor w1 = g.parameter("w1", Init.normal(0, Math.sqrt(2.0 / 784), 1), 1000, 784);
        Tensor b1 = g.parameter("b1", Init.uniform(-0.1, 0.1, 2), 1000);
        Tensor w2 = g.parameter("w2", Init.normal(0, Math.sqrt(2.0 / 1000), 3), 1000, 1000);
        Tensor w3 = g.parameter("w3", Init.normal(0, Math.sqrt(2.0 / 1000), 4), 10, 1000);
        Tensor h1 = g.relu(g.add(g.matmul(x, w1, false, true), b1));
        Tensor h2 = g.relu(g.matmul(h1, w2, false, true));
        Tensor logits = g.matmul(h2, w3, false, true);
        Tensor loss = Functions.softmaxCrossEntropyWithLabels(logits, y);
        List<Tensor> grads = Autodiff.grad(loss, List.of(w1, b1, w2, w3));
        Step.Builder b = g.step().output("loss", loss).output("logits", logits);
        for (int i = 0; i < grads.size(); i++) {
            b.output("g" + i, grads.get(i));
        }
        Step step = b.build();
        SplittableRandom random = new SplittableRandom(5);
        float[] xv = new float[batch * 784];
        float[] yv = new float[batch];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = random.nextDouble() < 0.8 ? 0f : (float) random.nextDouble();
        }
        for (int i = 0; i < batch; i++) {
            yv[i] = random.nextInt(10);
        }
        try (JavaBackend scalar = new JavaBackend(2, false); JavaBackend vector = new JavaBackend(2, true);
             CompiledStep s = scalar.compile(step); CompiledStep v = vector.compile(step)) {
            Map<String, float[]> want = s.run(Map.of("x", xv, "y", yv));
            Map<String, float[]> got = v.run(Map.of("x", xv, "y", yv));
            for (String name : want.keySet()) {
                double num = 0;
                double den = 0;
                float[] a = want.get(name);
                float[] c = got.get(name);
                for (int i = 0; i < a.length; i++) {
                    num += (a[i] - c[i]) * (double) (a[i] - c[i]);
                    den += a[i] * (double) a[i];
                }
                double rel = Math.sqrt(num / Math.max(den, 1e-30));
                assertTrue(rel < 1e-4, name + ": scalar and vector kernels differ by " + rel);
            }
        }
    }

    @Test
    void parallelTrainingIsBitIdenticalToSingleThreaded() {
        int batch = 64;
        Graph g = new Graph();
        Tensor x = g.input("x", batch, 300);
        Tensor y = g.input("y", batch);
        Tensor w1 = g.parameter("w1", Init.normal(0, 0.08, 1), 400, 300);
        Tensor b1 = g.parameter("b1", Init.zeros(), 400);
        Tensor w2 = g.parameter("w2", Init.normal(0, 0.05, 3), 10, 400);
        Tensor logits = g.matmul(g.tanh(g.add(g.matmul(x, w1, false, true), b1)), w2, false, true);
        Tensor loss = Functions.softmaxCrossEntropyWithLabels(logits, y);
        Step.Builder b = g.step().output("loss", loss);
        dev.neurite.api.tensor.Optimizer.sgd(0.1, 0.9, 1e-4).minimize(b, loss, g.parameters());
        Step step = b.build();
        SplittableRandom random = new SplittableRandom(9);
        float[][] xs = new float[8][batch * 300];
        float[][] ys = new float[8][batch];
        for (int s = 0; s < 8; s++) {
            for (int i = 0; i < xs[s].length; i++) {
                xs[s][i] = (float) random.nextDouble();
            }
            for (int i = 0; i < batch; i++) {
                ys[s][i] = random.nextInt(10);
            }
        }
        try (JavaBackend one = new JavaBackend(1, true); JavaBackend three = new JavaBackend(3, true);
             CompiledStep a = one.compile(step); CompiledStep c = three.compile(step)) {
            for (int s = 0; s < 200; s++) {
                a.run(Map.of("x", xs[s % 8], "y", ys[s % 8]));
                c.run(Map.of("x", xs[s % 8], "y", ys[s % 8]));
            }
            for (String name : List.of("w1", "b1", "w2")) {
                org.junit.jupiter.api.Assertions.assertEquals(a.instance().variable(name), c.instance().variable(name),
                        name + " differs between 1 and 3 threads");
            }
        }
    }
}
