package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.Autodiff;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;
import dev.neurite.tensorflow.TfBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The conformance suite on the TensorFlow backend (real TF natives), plus a cross-check:
 * every case's value, vjp and jvp on TF against the Java backend's, relative error ≤ 1e-4.
 * (This class sits in the suite's package to reuse its cases.)
 */
class TfBackendConformanceTest extends BackendConformance {

    static final double CROSS_TOLERANCE = 1e-4;

    private final JavaBackend java = new JavaBackend(1, false);

    @Override
    protected Backend createBackend() {
        return TfBackend.cpu();
    }

    @AfterAll
    void closeJava() {
        java.close();
    }

    @Test
    void runsOnTensorFlow() {
        assertEquals("tensorflow", backend().name());
        assertEquals("tf:/device:CPU:0", backend().device().id());
    }

    @TestFactory
    Stream<DynamicTest> tensorFlowAgreesWithJava() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> crossCheck(c)));
    }

    private void crossCheck(Case c) {
        SplittableRandom random = new SplittableRandom(c.name().hashCode() * 31L);
        int n = c.shapes().length;
        Graph g = new Graph();
        Tensor[] x = new Tensor[n];
        Map<String, float[]> feeds = new HashMap<>();
        Map<Tensor, Tensor> tangents = new HashMap<>();
        List<Tensor> wrt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            x[i] = g.input("x" + i, c.shapes()[i]);
            feeds.put("x" + i, sample(random, x[i].size(), c.domains()[i]));
            if (c.differentiable()[i]) {
                wrt.add(x[i]);
                tangents.put(x[i], g.input("t" + i, c.shapes()[i]));
                feeds.put("t" + i, sample(random, x[i].size(), Domain.SIGNED));
            }
        }
        Tensor y = c.graph().apply(g, x);
        Step.Builder step = g.step().output("y", y);
        if (!wrt.isEmpty()) {
            Tensor u = g.input("u", y.shape().dims());
            feeds.put("u", sample(random, y.size(), Domain.SIGNED));
            List<Tensor> grads = Autodiff.vjp(y, u, wrt);
            for (int i = 0; i < grads.size(); i++) {
                step.output("g" + i, grads.get(i));
            }
            step.output("jvp", Autodiff.jvp(y, tangents));
        }
        Step s = step.build();
        Map<String, float[]> onJava;
        Map<String, float[]> onTf;
        try (CompiledStep j = java.compile(s); CompiledStep t = backend().compile(s)) {
            onJava = j.run(feeds);
            onTf = t.run(feeds);
        }
        assertEquals(onJava.keySet(), onTf.keySet());
        onJava.forEach((name, want) -> {
            double[] w = new double[want.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = want[i];
            }
            assertRelative(c.name() + " " + name + " TF vs Java", w, onTf.get(name), CROSS_TOLERANCE);
        });
    }

    private static float[] sample(SplittableRandom random, int n, Domain domain) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (domain) {
                case SIGNED -> (float) ((0.1 + 1.4 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1));
                case POSITIVE -> (float) (0.2 + 1.8 * random.nextDouble());
                case INDEX -> random.nextInt(3);
            };
        }
        return v;
    }

    @Test
    void randomOpsDrawTheJavaBackendsNumbers() {
        Graph g = new Graph();
        Step s = g.step().output("u", g.randomUniform(1, -2, 2, 1000)).output("z", g.randomNormal(2, 0, 1, 1000))
                .output("b", g.bernoulli(3, 0.4, 1000)).build();
        try (CompiledStep j = java.compile(s); CompiledStep t = backend().compile(s)) {
            for (int run = 0; run < 2; run++) {
                Map<String, float[]> a = j.run(Map.of());
                Map<String, float[]> b = t.run(Map.of());
                for (String name : List.of("u", "z", "b")) {
                    assertArrayEquals(a.get(name), b.get(name), name + " run " + run);
                }
            }
        }
    }
}
