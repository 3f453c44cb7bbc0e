package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.Autodiff;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Functions;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Optimizer;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conformance of a {@link Backend} to the tensor contract, independent of the backend: every
 * primitive and composite helper is run forward against f64 reference math, and its reverse
 * (vjp) and forward (jvp) derivatives against central finite differences of that reference.
 * A backend's test extends this class and supplies the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformance {

    /** Tolerances for f32 results against f64 references. */
    static final double FORWARD_TOLERANCE = 1e-5;
    static final double DERIVATIVE_TOLERANCE = 1e-4;

    private Backend backend;

    /** The backend under test; closed after the suite if it is {@link AutoCloseable}. */
    protected abstract Backend createBackend();

    @BeforeAll
    void open() {
        backend = createBackend();
    }

    @AfterAll
    void closeBackend() throws Exception {
        if (backend instanceof AutoCloseable c) {
            c.close();
        }
    }

    protected Backend backend() {
        return backend;
    }

    /** Input value ranges. */
    enum Domain {
        /** ±[0.1, 1.5]: away from kinks at 0. */
        SIGNED,
        /** [0.2, 2]: for log, sqrt, reciprocal. */
        POSITIVE,
        /** Small integers in [0, 4): indices. */
        INDEX
    }

    /** One function under test: graph form, reference form, and which inputs to differentiate. */
    record Case(String name, int[][] shapes, Domain[] domains, boolean[] differentiable,
                BiFunction<Graph, Tensor[], Tensor> graph, Function<Ref[], Ref> reference) {
    }

    private static Case c(String name, int[][] shapes, BiFunction<Graph, Tensor[], Tensor> graph,
                          Function<Ref[], Ref> ref) {
        Domain[] d = new Domain[shapes.length];
        Arrays.fill(d, Domain.SIGNED);
        boolean[] diff = new boolean[shapes.length];
        Arrays.fill(diff, true);
        return new Case(name, shapes, d, diff, graph, ref);
    }

    private static Case positive(Case c) {
        Domain[] d = c.domains().clone();
        Arrays.fill(d, Domain.POSITIVE);
        return new Case(c.name(), c.shapes(), d, c.differentiable(), c.graph(), c.reference());
    }

    /** Input {@code i} holds indices (or a mask) and is not differentiated. */
    private static Case index(Case c, int i) {
        Domain[] d = c.domains().clone();
        d[i] = Domain.INDEX;
        boolean[] diff = c.differentiable().clone();
        diff[i] = false;
        return new Case(c.name(), c.shapes(), d, diff, c.graph(), c.reference());
    }

    /** No input is differentiable (discrete results): forward only, derivatives must be zero. */
    private static Case discrete(Case c) {
        return new Case(c.name(), c.shapes(), c.domains(), new boolean[c.shapes().length], c.graph(), c.reference());
    }

    private static int[][] s(int[]... shapes) {
        return shapes;
    }

    private static int[] d(int... dims) {
        return dims;
    }

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        int[] m = d(3, 4);
        // unary
        l.add(c("neg", s(m), (g, x) -> g.neg(x[0]), r -> r[0].map(v -> -v)));
        l.add(c("abs", s(m), (g, x) -> g.abs(x[0]), r -> r[0].map(Math::abs)));
        l.add(discrete(c("sign", s(m), (g, x) -> g.sign(x[0]), r -> r[0].map(Math::signum))));
        l.add(c("exp", s(m), (g, x) -> g.exp(x[0]), r -> r[0].map(Math::exp)));
        l.add(positive(c("log", s(m), (g, x) -> g.log(x[0]), r -> r[0].map(Math::log))));
        l.add(positive(c("sqrt", s(m), (g, x) -> g.sqrt(x[0]), r -> r[0].map(Math::sqrt))));
        l.add(positive(c("reciprocal", s(m), (g, x) -> g.reciprocal(x[0]), r -> r[0].map(v -> 1 / v))));
        l.add(c("relu", s(m), (g, x) -> g.relu(x[0]), r -> r[0].map(v -> Math.max(v, 0))));
        l.add(c("sigmoid", s(m), (g, x) -> g.sigmoid(x[0]), r -> r[0].map(v -> 1 / (1 + Math.exp(-v)))));
        l.add(c("tanh", s(m), (g, x) -> g.tanh(x[0]), r -> r[0].map(Math::tanh)));
        l.add(discrete(c("stopGradient", s(m), (g, x) -> g.stopGradient(x[0]), r -> r[0])));
        // binary with broadcasting
        int[][][] pairs = {s(m, m), s(m, d(4)), s(d(3, 1), d(1, 4)), s(d(2, 3, 4), d(3, 1)), s(m, d())};
        for (int[][] p : pairs) {
            String sh = Arrays.toString(p[0]) + Arrays.toString(p[1]);
            l.add(c("add" + sh, p, (g, x) -> g.add(x[0], x[1]), r -> Ref.zip(r[0], r[1], Double::sum)));
            l.add(c("sub" + sh, p, (g, x) -> g.sub(x[0], x[1]), r -> Ref.zip(r[0], r[1], (a, b) -> a - b)));
            l.add(c("mul" + sh, p, (g, x) -> g.mul(x[0], x[1]), r -> Ref.zip(r[0], r[1], (a, b) -> a * b)));
            l.add(positive(c("div" + sh, p, (g, x) -> g.div(x[0], x[1]), r -> Ref.zip(r[0], r[1], (a, b) -> a / b))));
            l.add(c("max" + sh, p, (g, x) -> g.max(x[0], x[1]), r -> Ref.zip(r[0], r[1], Math::max)));
            l.add(c("min" + sh, p, (g, x) -> g.min(x[0], x[1]), r -> Ref.zip(r[0], r[1], Math::min)));
        }
        l.add(discrete(c("less", s(m, d(4)), (g, x) -> g.less(x[0], x[1]),
                r -> Ref.zip(r[0], r[1], (a, b) -> a < b ? 1 : 0))));
        l.add(discrete(c("lessEqual", s(m, m), (g, x) -> g.lessEqual(x[0], g.mul(x[0], x[1])),
                r -> Ref.zip(r[0], Ref.zip(r[0], r[1], (a, b) -> (double) (float) (a * b)), (a, b) -> a <= b ? 1 : 0))));
        l.add(discrete(index(index(c("equal", s(m, m), (g, x) -> g.equal(x[0], x[1]),
                r -> Ref.zip(r[0], r[1], (a, b) -> a == b ? 1 : 0)), 0), 1)));
        l.add(c("where", s(m, d(3, 4), d(4)), (g, x) -> g.where(g.less(x[0], g.scalar(0)), x[1], x[2]),
                r -> Ref.where(r[0].map(v -> v < 0 ? 1 : 0), r[1], r[2])));
        // reductions
        int[] t3 = d(2, 3, 4);
        for (int axis = 0; axis < 3; axis++) {
            int a = axis;
            l.add(c("sum" + a, s(t3), (g, x) -> g.sum(x[0], a, false), r -> r[0].reduce(a, false, 0)));
            l.add(c("sumKeep" + a, s(t3), (g, x) -> g.sum(x[0], a, true), r -> r[0].reduce(a, true, 0)));
            l.add(c("max" + a, s(t3), (g, x) -> g.max(x[0], a, true), r -> r[0].reduce(a, true, 1)));
            l.add(discrete(c("argmax" + a, s(t3), (g, x) -> g.argmax(x[0], a), r -> r[0].reduce(a, false, 2))));
        }
        l.add(c("sumAll", s(t3), (g, x) -> g.sumAll(x[0]), r -> new Ref(new int[0], new double[] {r[0].sum()})));
        l.add(c("mean", s(t3), (g, x) -> g.mean(x[0], 1, false), r -> r[0].reduce(1, false, 0).map(v -> v / 3)));
        // matmul, all transposes
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                boolean a = ta == 1;
                boolean b = tb == 1;
                int[] as = a ? d(5, 3) : d(3, 5);
                int[] bs = b ? d(4, 5) : d(5, 4);
                l.add(c("matmul" + (a ? "T" : "N") + (b ? "T" : "N"), s(as, bs),
                        (g, x) -> g.matmul(x[0], x[1], a, b), r -> Ref.matmul(r[0], r[1], a, b)));
            }
        }
        // movement
        l.add(c("reshape", s(t3), (g, x) -> g.reshape(x[0], 6, -1), r -> r[0].reshape(6, 4)));
        l.add(c("transpose2", s(m), (g, x) -> g.transpose(x[0]), r -> r[0].transpose(1, 0)));
        l.add(c("transpose3", s(t3), (g, x) -> g.transpose(x[0], 2, 0, 1), r -> r[0].transpose(2, 0, 1)));
        l.add(c("slice", s(t3), (g, x) -> g.slice(x[0], 1, 1, 3), r -> r[0].slice(1, 1, 3)));
        l.add(c("sliceLast", s(t3), (g, x) -> g.slice(x[0], 2, 0, 1), r -> r[0].slice(2, 0, 1)));
        l.add(c("concat", s(d(2, 3), d(2, 1), d(2, 2)), (g, x) -> g.concat(1, x[0], x[1], x[2]),
                r -> Ref.concat(1, r[0], r[1], r[2])));
        l.add(c("concat0", s(d(1, 3), d(2, 3)), (g, x) -> g.concat(0, x[0], x[1]), r -> Ref.concat(0, r[0], r[1])));
        l.add(c("broadcast", s(d(3, 1)), (g, x) -> g.broadcast(x[0], 2, 3, 4), r -> r[0].broadcast(2, 3, 4)));
        // indexing
        l.add(index(c("gather", s(d(4, 3), d(5)), (g, x) -> g.gather(x[0], x[1]), r -> Ref.gather(r[0], r[1])), 1));
        l.add(discrete(index(c("oneHot", s(d(5)), (g, x) -> g.oneHot(x[0], 4), r -> Ref.oneHot(r[0], 4)), 0)));
        // composite helpers
        l.add(c("softplus", s(m), (g, x) -> Functions.softplus(g.mul(x[0], 30)),
                r -> r[0].map(v -> Math.log1p(Math.exp(30 * v)))));
        l.add(c("logSoftmax", s(m), (g, x) -> Functions.logSoftmax(x[0], 1), r -> logSoftmax(r[0])));
        l.add(c("softmax", s(m), (g, x) -> Functions.softmax(x[0], 1), r -> logSoftmax(r[0]).map(Math::exp)));
        l.add(index(c("crossEntropy", s(m, d(3)), (g, x) -> Functions.softmaxCrossEntropyWithLabels(x[0], x[1]),
                r -> crossEntropy(r[0], r[1])), 1));
        l.add(c("layerNorm", s(m), (g, x) -> Functions.layerNorm(x[0], 1, 1e-5), r -> layerNorm(r[0], 1e-5)));
        l.add(c("lengthNormalize", s(m), (g, x) -> Functions.lengthNormalize(x[0], 1, 1e-6),
                r -> lengthNormalize(r[0], 1e-6)));
        l.add(c("sumOfSquares", s(m), (g, x) -> Functions.sumOfSquares(x[0], 1),
                r -> r[0].map(v -> v * v).reduce(1, false, 0)));
        l.add(c("dense", s(d(3, 5), d(5, 4), d(4)), (g, x) -> Functions.dense(x[0], x[1], x[2]),
                r -> Ref.zip(Ref.matmul(r[0], r[1], false, false), r[2], Double::sum)));
        // a small network: derivatives through a chain of primitives
        l.add(c("mlp", s(d(3, 5), d(5, 4), d(4, 2)),
                (g, x) -> g.tanh(g.matmul(g.sigmoid(g.matmul(x[0], x[1])), x[2])),
                r -> Ref.matmul(Ref.matmul(r[0], r[1], false, false).map(v -> 1 / (1 + Math.exp(-v))), r[2], false,
                        false).map(Math::tanh)));
        return l;
    }

    static Ref logSoftmax(Ref x) {
        Ref max = x.reduce(1, true, 1);
        Ref shifted = Ref.zip(x, max, (a, b) -> a - b);
        Ref lse = shifted.map(Math::exp).reduce(1, true, 0).map(Math::log);
        return Ref.zip(shifted, lse, (a, b) -> a - b);
    }

    static Ref crossEntropy(Ref logits, Ref labels) {
        Ref ls = logSoftmax(logits);
        int c = logits.shape[1];
        double s = 0;
        for (int i = 0; i < labels.v.length; i++) {
            s -= ls.v[i * c + (int) labels.v[i]];
        }
        return new Ref(new int[0], new double[] {s / labels.v.length});
    }

    static Ref layerNorm(Ref x, double eps) {
        int n = x.shape[1];
        Ref mean = x.reduce(1, true, 0).map(v -> v / n);
        Ref centred = Ref.zip(x, mean, (a, b) -> a - b);
        Ref var = centred.map(v -> v * v).reduce(1, true, 0).map(v -> v / n);
        return Ref.zip(centred, var, (a, b) -> a / Math.sqrt(b + eps));
    }

    static Ref lengthNormalize(Ref x, double eps) {
        Ref len = x.map(v -> v * v).reduce(1, true, 0).map(Math::sqrt);
        return Ref.zip(x, len, (a, b) -> a / (b + eps));
    }

    // ------------------------------------------------------------------------------ runner

    @TestFactory
    Stream<DynamicTest> primitivesAndHelpers() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> verify(c)));
    }

    private static float[] values(SplittableRandom random, int n, Domain domain) {
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

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private void verify(Case c) {
        SplittableRandom random = new SplittableRandom(c.name().hashCode());
        int n = c.shapes().length;
        Graph g = new Graph();
        Tensor[] x = new Tensor[n];
        float[][] xv = new float[n][];
        Ref[] xr = new Ref[n];
        for (int i = 0; i < n; i++) {
            x[i] = g.input("x" + i, c.shapes()[i]);
            xv[i] = values(random, x[i].size(), c.domains()[i]);
            xr[i] = new Ref(c.shapes()[i], widen(xv[i]));
        }
        Tensor y = c.graph().apply(g, x);
        Ref want = c.reference().apply(xr);
        assertArrayEquals(want.shape, y.shape().dims(), c.name() + " shape");

        List<Tensor> wrt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (c.differentiable()[i]) {
                wrt.add(x[i]);
            }
        }
        Tensor u = g.input("u", y.shape().dims());
        Step.Builder step = g.step().output("y", y);
        Map<Tensor, Tensor> tangents = new HashMap<>();
        float[][] tv = new float[n][];
        List<Tensor> grads = List.of();
        if (!wrt.isEmpty()) {
            grads = Autodiff.vjp(y, u, wrt);
            for (int i = 0; i < grads.size(); i++) {
                step.output("g" + i, grads.get(i));
            }
            for (int i = 0; i < n; i++) {
                if (c.differentiable()[i]) {
                    tangents.put(x[i], g.input("t" + i, c.shapes()[i]));
                    tv[i] = values(random, x[i].size(), Domain.SIGNED);
                }
            }
            step.output("jvp", Autodiff.jvp(y, tangents));
        } else {
            // Discrete results: their derivatives are zero.
            List<Tensor> zero = Autodiff.vjp(y, u, List.of(x));
            for (int i = 0; i < zero.size(); i++) {
                step.output("g" + i, zero.get(i));
            }
        }
        float[] uv = values(random, y.size(), Domain.SIGNED);
        try (CompiledStep run = backend().compile(step.build())) {
            for (int i = 0; i < n; i++) {
                run.setInput("x" + i, xv[i]);
                if (tv[i] != null) {
                    run.setInput("t" + i, tv[i]);
                }
            }
            run.setInput("u", uv);
            Map<String, float[]> out = run.run(Map.of());
            assertClose(c.name() + " forward", want.v, out.get("y"), FORWARD_TOLERANCE);
            if (wrt.isEmpty()) {
                for (int i = 0; i < n; i++) {
                    for (float v : out.get("g" + i)) {
                        assertEquals(0f, v, c.name() + " derivative must be zero");
                    }
                }
                return;
            }
            // Reverse mode against central differences of <u, f(x)> in f64.
            double h = 1e-6;
            int gi = 0;
            for (int i = 0; i < n; i++) {
                if (!c.differentiable()[i]) {
                    continue;
                }
                double[] fd = new double[xr[i].v.length];
                for (int e = 0; e < fd.length; e++) {
                    double keep = xr[i].v[e];
                    xr[i].v[e] = keep + h;
                    double plus = dot(uv, c.reference().apply(xr).v);
                    xr[i].v[e] = keep - h;
                    double minus = dot(uv, c.reference().apply(xr).v);
                    xr[i].v[e] = keep;
                    fd[e] = (plus - minus) / (2 * h);
                }
                assertRelative(c.name() + " vjp wrt x" + i, fd, out.get("g" + gi), DERIVATIVE_TOLERANCE);
                gi++;
            }
            // Forward mode against central differences along the tangents.
            Ref[] plus = new Ref[n];
            Ref[] minus = new Ref[n];
            for (int i = 0; i < n; i++) {
                double[] p = xr[i].v.clone();
                double[] q = xr[i].v.clone();
                if (tv[i] != null) {
                    for (int e = 0; e < p.length; e++) {
                        p[e] += h * tv[i][e];
                        q[e] -= h * tv[i][e];
                    }
                }
                plus[i] = new Ref(xr[i].shape, p);
                minus[i] = new Ref(xr[i].shape, q);
            }
            double[] fp = c.reference().apply(plus).v;
            double[] fm = c.reference().apply(minus).v;
            double[] fd = new double[fp.length];
            for (int e = 0; e < fd.length; e++) {
                fd[e] = (fp[e] - fm[e]) / (2 * h);
            }
            assertRelative(c.name() + " jvp", fd, out.get("jvp"), DERIVATIVE_TOLERANCE);
        }
    }

    private static double dot(float[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += u[i] * v[i];
        }
        return s;
    }

    static void assertClose(String what, double[] want, float[] got, double tolerance) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]);
            assertTrue(err <= tolerance * Math.max(1, Math.abs(want[i])),
                    what + "[" + i + "]: want " + want[i] + ", got " + got[i]);
        }
    }

    /** Relative error in the 2-norm (robust where single elements are near zero). */
    static void assertRelative(String what, double[] want, float[] got, double tolerance) {
        assertEquals(want.length, got.length, what + " length");
        double num = 0;
        double den = 0;
        for (int i = 0; i < want.length; i++) {
            num += (want[i] - got[i]) * (want[i] - got[i]);
            den += want[i] * want[i];
        }
        double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-3);
        assertTrue(rel <= tolerance, what + ": relative error " + rel + "\n want " + Arrays.toString(want)
                + "\n got  " + Arrays.toString(got));
    }

    // ------------------------------------------------------------------------------ more checks

    @Test
    void derivativesOfDerivativesGiveHessianVectorProducts() {
        // f(x) = Σ tanh(x)·x², ∇f = (1 − tanh²x)·x² + 2x·tanh x; H v by forward-over-reverse
        // and by reverse-over-reverse, against central differences of the analytic gradient.
        Graph g = new Graph();
        Tensor x = g.input("x", 2, 3);
        Tensor v = g.input("v", 2, 3);
        Tensor f = g.sumAll(g.mul(g.tanh(x), g.mul(x, x)));
        Tensor grad = Autodiff.grad(f, List.of(x)).get(0);
        Tensor forwardOverReverse = Autodiff.jvp(grad, Map.of(x, v));
        Tensor reverseOverReverse = Autodiff.grad(g.sumAll(g.mul(grad, v)), List.of(x)).get(0);
        float[] xv = {0.3f, -1.2f, 0.8f, 1.5f, -0.4f, 0.1f};
        float[] vv = {1f, 0.5f, -0.7f, 0.2f, -1.1f, 0.9f};
        double h = 1e-6;
        double[] want = new double[6];
        for (int i = 0; i < 6; i++) {
            want[i] = (analyticGrad(xv[i] + h * vv[i]) - analyticGrad(xv[i] - h * vv[i])) / (2 * h);
        }
        try (CompiledStep run = backend().compile(g.step().output("fr", forwardOverReverse)
                .output("rr", reverseOverReverse).build())) {
            Map<String, float[]> out = run.run(Map.of("x", xv, "v", vv));
            assertRelative("forward-over-reverse", want, out.get("fr"), DERIVATIVE_TOLERANCE);
            assertRelative("reverse-over-reverse", want, out.get("rr"), DERIVATIVE_TOLERANCE);
        }
    }

    private static double analyticGrad(double x) {
        double t = Math.tanh(x);
        return (1 - t * t) * x * x + 2 * x * t;
    }

    @Test
    void softplusIsFiniteForLargeArguments() {
        Graph g = new Graph();
        Tensor x = g.input("x", 4);
        try (CompiledStep run = backend().compile(g.step().output("y", Functions.softplus(x)).build())) {
            run.setInput("x", new float[] {-1000f, -30f, 30f, 1000f});
            run.run();
            float[] y = new float[4];
            run.readOutput("y", y);
            assertClose("softplus", new double[] {0, Math.log1p(Math.exp(-30)), 30, 1000}, y, 1e-6);
        }
    }

    @Test
    void crossEntropyIsFiniteForLargeLogits() {
        Graph g = new Graph();
        Tensor logits = g.input("z", 1, 3);
        Tensor labels = g.input("y", 1);
        try (CompiledStep run = backend().compile(g.step()
                .output("loss", Functions.softmaxCrossEntropyWithLabels(logits, labels)).build())) {
            run.setInput("z", new float[] {1000f, 0f, -1000f});
            run.setInput("y", new float[] {1});
            run.run();
            assertEquals(1000.0, run.outputScalar("loss"), 1e-3);
        }
    }

    @Test
    void randomOpsHaveTheirDistributionAndChangeEveryRun() {
        Graph g = new Graph();
        Tensor u = g.randomUniform(7, -1, 3, 20000);
        Tensor z = g.randomNormal(8, 2, 0.5, 20000);
        Tensor b = g.bernoulli(9, 0.3, 20000);
        try (CompiledStep run = backend().compile(g.step().output("u", u).output("z", z).output("b", b).build())) {
            Map<String, float[]> first = run.run(Map.of());
            double[] mu = moments(first.get("u"));
            assertEquals(1.0, mu[0], 0.05);
            assertEquals(16.0 / 12, mu[1], 0.05);
            double[] mz = moments(first.get("z"));
            assertEquals(2.0, mz[0], 0.02);
            assertEquals(0.25, mz[1], 0.01);
            assertEquals(0.3, moments(first.get("b"))[0], 0.015);
            for (float v : first.get("u")) {
                assertTrue(v >= -1 && v < 3);
            }
            Map<String, float[]> second = run.run(Map.of());
            assertTrue(!Arrays.equals(first.get("u"), second.get("u")), "a new draw each run");
            // Same run count, same numbers: resumable.
            run.setRunCount(1);
            assertArrayEquals(second.get("z"), run.run(Map.of()).get("z"));
        }
    }

    private static double[] moments(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += x * x;
        }
        double mean = s / v.length;
        return new double[] {mean, s2 / v.length - mean * mean};
    }

    @Test
    void sgdWithMomentumAndWeightDecayMatchesTheFormula() {
        double lr = 0.1;
        double mu = 0.9;
        double wd = 0.01;
        Graph g = new Graph();
        Tensor w = g.parameter("w", Init.values(1f, -2f), 2);
        Tensor target = g.constant(new float[] {0.5f, 0.5f}, 2);
        Tensor loss = g.sumAll(g.mul(g.sub(w, target), g.sub(w, target)));
        Step.Builder step = g.step().output("loss", loss);
        Optimizer.sgd(lr, mu, wd).minimize(step, loss, g.parameters());
        double[] wr = {1, -2};
        double[] v = {0, 0};
        try (CompiledStep run = backend().compile(step.build())) {
            for (int t = 0; t < 3; t++) {
                run.run();
                for (int i = 0; i < 2; i++) {
                    double grad = 2 * (wr[i] - 0.5) + wd * wr[i];
                    v[i] = mu * v[i] + grad;
                    wr[i] -= lr * v[i];
                }
            }
            assertClose("sgd", wr, run.instance().variable("w").toFloats(), 1e-5);
        }
    }

    @Test
    void aLearningRateFedEachRunScalesTheUpdate() {
        Graph g = new Graph();
        Tensor w = g.parameter("w", Init.values(1f, -2f), 2);
        Tensor rate = g.input("rate");
        Step.Builder step = g.step();
        Optimizer.sgd(rate, 0, 0).minimize(step, g.sumAll(g.mul(w, w)), g.parameters());
        double[] wr = {1, -2};
        try (CompiledStep run = backend().compile(step.build())) {
            for (float r : new float[] {0.1f, 0.25f, 0f}) {
                run.setInput("rate", new float[] {r});
                run.run();
                for (int i = 0; i < 2; i++) {
                    wr[i] -= r * 2 * wr[i];
                }
            }
            assertClose("sgd with a fed rate", wr, run.instance().variable("w").toFloats(), 1e-6);
        }
    }

    @Test
    void adamMatchesTheFormula() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.1;
        Graph g = new Graph();
        Tensor w = g.parameter("w", Init.values(1f, -2f, 0.25f), 3);
        Tensor loss = g.sumAll(g.mul(g.mul(w, w), g.constant(new float[] {1, 3, -2}, 3)));
        Step.Builder step = g.step().output("loss", loss);
        Optimizer.adam(lr, b1, b2, eps, wd).minimize(step, loss, g.parameters());
        double[] wr = {1, -2, 0.25};
        double[] k = {1, 3, -2};
        double[] m = new double[3];
        double[] v = new double[3];
        try (CompiledStep run = backend().compile(step.build())) {
            for (int t = 1; t <= 4; t++) {
                run.run();
                for (int i = 0; i < 3; i++) {
                    double grad = 2 * k[i] * wr[i];
                    m[i] = b1 * m[i] + (1 - b1) * grad;
                    v[i] = b2 * v[i] + (1 - b2) * grad * grad;
                    double mh = m[i] / (1 - Math.pow(b1, t));
                    double vh = v[i] / (1 - Math.pow(b2, t));
                    wr[i] -= lr * (mh / (Math.sqrt(vh) + eps) + wd * wr[i]);
                }
            }
            assertClose("adam", wr, run.instance().variable("w").toFloats(), 1e-5);
        }
    }

    @Test
    void assignmentsUseStartOfRunValuesAndStepsShareAnInstance() {
        Graph g = new Graph();
        Tensor a = g.state("a", Init.constant(1), 1);
        Tensor b = g.state("b", Init.constant(2), 1);
        // Swap: both new values read the old ones.
        Step swap = g.step().assign(a, b).assign(b, a).output("a", a).build();
        Step read = g.step().output("sum", g.add(a, b)).build();
        try (var instance = backend().open(g)) {
            CompiledStep s = instance.compile(swap);
            CompiledStep r = instance.compile(read);
            s.run();
            assertEquals(1f, s.outputScalar("a"), "outputs are start-of-run values");
            assertEquals(2f, instance.variable("a").toFloats()[0]);
            assertEquals(1f, instance.variable("b").toFloats()[0]);
            r.run();
            assertEquals(3f, r.outputScalar("sum"));
        }
    }

    @Test
    void largeGemmMatchesReferenceForEveryTransposeCase() {
        int m = 67;
        int n = 133;
        int k = 301;
        SplittableRandom random = new SplittableRandom(3);
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                boolean a = ta == 1;
                boolean b = tb == 1;
                Graph g = new Graph();
                Tensor x = g.input("a", a ? k : m, a ? m : k);
                Tensor y = g.input("b", b ? n : k, b ? k : n);
                float[] av = values(random, m * k, Domain.SIGNED);
                float[] bv = values(random, k * n, Domain.SIGNED);
                try (CompiledStep run = backend().compile(g.step().output("c", g.matmul(x, y, a, b)).build())) {
                    float[] c = run.run(Map.of("a", av, "b", bv)).get("c");
                    Ref want = Ref.matmul(new Ref(x.shape().dims(), widen(av)), new Ref(y.shape().dims(), widen(bv)), a, b);
                    assertRelative("gemm " + a + b, want.v, c, 1e-6);
                }
            }
        }
    }
}
