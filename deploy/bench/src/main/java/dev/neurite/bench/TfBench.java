package dev.neurite.bench;

import dev.neurite.algorithm.backprop.Backprop;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.tensor.Backend;
import dev.neurite.runtime.compute.JavaBackend;
import dev.neurite.runtime.data.DataDirectoryRegistry;
import dev.neurite.tensorflow.TensorFlowRuntime;
import dev.neurite.tensorflow.TfBackend;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmarks of the TensorFlow backend beside the Java backend and raw TF Java; see this
 * module's README. {@code --accuracy} instead trains 784-1000-1000-10 to the accuracy targets
 * on MNIST and Fashion-MNIST on both backends with the same seed and schedule.
 */
public final class TfBench {

    private TfBench() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of("../shared/datasets");
        int threads = Runtime.getRuntime().availableProcessors();
        boolean smoke = false;
        boolean accuracy = false;
        int epochs = 10;
        String rate = "0.05";
        String momentum = "0.9";
        String schedule = "cosine";
        List<String> sets = List.of("mnist", "fashion-mnist");
        List<String> backends = List.of("tensorflow", "java");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--smoke" -> smoke = true;
                case "--accuracy" -> accuracy = true;
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--learning-rate" -> rate = args[++i];
                case "--momentum" -> momentum = args[++i];
                case "--schedule" -> schedule = args[++i];
                case "--datasets" -> sets = List.of(args[++i].split(","));
                case "--backends" -> backends = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        TfBackend tf = TfBackend.cpu();
        try (JavaBackend java = new JavaBackend(threads, true)) {
            System.out.printf("TensorFlow %s on %s; Java backend %s; Java %s; %d cores%n",
                    TensorFlowRuntime.load(null), tf.device().id(), java, System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
            if (accuracy) {
                accuracy(data, tf, java, sets, backends, epochs, rate, momentum, schedule);
            } else {
                bench(data, tf, java, smoke);
            }
        }
    }

    // ------------------------------------------------------------------------ accuracy

    static void accuracy(Path data, TfBackend tf, JavaBackend java, List<String> sets, List<String> backends, int epochs,
                         String rate, String momentum, String schedule) throws Exception {
        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(data));
        ModelSpec model = ModelSpec.mlp(784, new int[] {1000, 1000}, Activation.RELU, 10);
        Map<String, String> hp = Map.of("batchSize", "128", "learningRate", rate, "momentum", momentum, "epochs",
                Integer.toString(epochs), "schedule", schedule);
        System.out.printf("%s, batch 128, SGD learning rate %s (%s schedule), momentum %s, %d epochs, seed 1, "
                + "full test sets%n", model.describe(), rate, schedule, momentum, epochs);
        Map<String, Double> finals = new LinkedHashMap<>();
        for (String set : sets) {
            Dataset train = registry.open(set + "/train");
            Dataset test = registry.open(set + "/test");
            for (String name : backends) {
                Backend backend = name.equals("java") ? java : tf;
                long t0 = System.nanoTime();
                List<String> curve = new ArrayList<>();
                double last = 0;
                try (Trainer trainer = new Backprop().createTrainer(ComputeBench.context(backend, model, train, test, hp, 1))) {
                    long per = trainer.stepsPerEpoch();
                    for (int e = 0; e < epochs; e++) {
                        for (long s = e * per; s < (e + 1) * per; s++) {
                            trainer.step(s);
                        }
                        last = trainer.evaluate().get("test.accuracy");
                        curve.add(String.format("%.4f", last));
                    }
                }
                finals.put(set + "/" + name, last);
                System.out.printf("%s on %s: test accuracy %.2f%% after %d epochs (%.0f s); per epoch %s%n", set, name,
                        100 * last, epochs, (System.nanoTime() - t0) / 1e9, curve);
            }
            Double a = finals.get(set + "/tensorflow");
            Double b = finals.get(set + "/java");
            if (a != null && b != null) {
                System.out.printf("%s: TF %.2f%%, Java %.2f%%, difference %.2f pp%n", set, 100 * a, 100 * b,
                        100 * Math.abs(a - b));
            }
        }
        System.out.printf("peak RSS %s%n", rss());
    }

    // ------------------------------------------------------------------------ benchmark

    static void bench(Path data, TfBackend tf, JavaBackend java, boolean smoke) throws Exception {
        HeapSampler heap = new HeapSampler(5);
        // FMA peak, measured: the best rate of any TF matmul this run (a large one twice, and the table's).
        int peakN = smoke ? 256 : 4096;
        double peak = Math.max(ComputeBench.gemm(tf, peakN, false, false), ComputeBench.gemm(tf, peakN, false, false));
        int[] sizes = smoke ? new int[] {64, 128} : new int[] {256, 512, 1024, 2048};
        double[][] rates = new double[sizes.length][4];
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            rates[i] = new double[] {ComputeBench.gemm(tf, n, false, false), ComputeBench.gemm(tf, n, true, false),
                    ComputeBench.gemm(tf, n, false, true), ComputeBench.gemm(java, n, false, false)};
            for (int c = 0; c < 3; c++) {
                peak = Math.max(peak, rates[i][c]);
            }
        }
        System.out.printf("%nmeasured peak: %.1f GFLOP/s, the best TF matmul rate of this run (%d³ twice and the table)%n%n",
                peak, peakN);
        System.out.println("| n (C = A·B, n×n×n) | TF NN GFLOP/s | NN % of peak | TF TN | TF NT | Java vector NN |");
        System.out.println("|---|---|---|---|---|---|");
        for (int i = 0; i < sizes.length; i++) {
            double[] r = rates[i];
            System.out.printf("| %d | %.1f | %.0f%% | %.1f | %.1f | %.1f |%n", sizes[i], r[0], 100 * r[0] / peak, r[1], r[2],
                    r[3]);
        }

        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(data));
        Dataset train = registry.open(smoke ? "blobs/train" : "mnist/train");
        Dataset test = registry.open(smoke ? "blobs/test" : "mnist/test");
        int[] big = smoke ? new int[] {64, 64} : new int[] {2000, 2000, 2000, 2000};
        ModelSpec model = ModelSpec.mlp(train.featureSize(), big, Activation.RELU, train.numClasses());
        int warm = smoke ? 2 : 5;
        int steps = smoke ? 5 : 20;
        double raw = rawTfStepMillis(train, big, 128, warm, steps);
        double onTf = stepMillis(tf, model, train, warm, steps);
        double onJava = stepMillis(java, model, train, warm, steps);
        System.out.println();
        System.out.println("| training step " + model.describe() + ", batch 128, SGD | ms/step | samples/s | vs raw TF |");
        System.out.println("|---|---|---|---|");
        System.out.printf("| raw TF Java (hand-built graph, tf.gradients) | %.1f | %.0f | 1.00 |%n", raw, 128000 / raw);
        System.out.printf("| Neurite TF backend (backprop bundle) | %.1f | %.0f | %.2f |%n", onTf, 128000 / onTf, onTf / raw);
        System.out.printf("| Neurite Java backend (%s) | %.1f | %.0f | %.2f |%n", java.vectorized() ? "vector" : "scalar",
                onJava, 128000 / onJava, onJava / raw);

        System.out.println();
        int[] hidden = smoke ? new int[] {32, 32} : new int[] {1000, 1000};
        ModelSpec mlp = ModelSpec.mlp(train.featureSize(), hidden, Activation.RELU, train.numClasses());
        System.out.println("| one epoch, " + mlp.describe() + ", batch 128, SGD 0.1 | samples/s | test accuracy |");
        System.out.println("|---|---|---|");
        for (Backend b : List.of(tf, java)) {
            try (Trainer trainer = new Backprop().createTrainer(ComputeBench.context(b, mlp, train, test,
                    Map.of("batchSize", "128", "learningRate", "0.1", "epochs", "1"), 1))) {
                long per = trainer.stepsPerEpoch();
                long t0 = System.nanoTime();
                for (long s = 0; s < per; s++) {
                    trainer.step(s);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("| %s | %.0f | %.4f |%n", b.name(), per * 128 / seconds,
                        trainer.evaluate().get("test.accuracy"));
            }
        }
        heap.stop();
        System.out.printf("%npeak heap in use (sampled every 5 ms): %.0f MiB of max %.0f MiB; %s%n",
                heap.peak() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0, rss());
    }

    static double stepMillis(Backend backend, ModelSpec model, Dataset train, int warm, int steps) throws Exception {
        try (Trainer trainer = new Backprop().createTrainer(ComputeBench.context(backend, model, train, null,
                Map.of("batchSize", "128", "learningRate", "0.01"), 1))) {
            for (int s = 0; s < warm; s++) {
                trainer.step(s);
            }
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                trainer.step(warm + s);
            }
            return (System.nanoTime() - t0) / 1e6 / steps;
        }
    }

    /**
     * The same training step written directly in TF Java: dense ReLU layers, softmax
     * cross-entropy, {@code tf.gradients}, and SGD updates gated on every gradient; one
     * {@code Session.run} per step with a fresh batch fed each time.
     */
    static double rawTfStepMillis(Dataset train, int[] hidden, int batch, int warm, int steps) {
        int features = train.featureSize();
        int classes = train.numClasses();
        SplittableRandom random = new SplittableRandom(1);
        try (Graph g = new Graph(); Session session = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, features)));
            Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, classes)));
            List<Variable<TFloat32>> params = new ArrayList<>();
            Operand<TFloat32> h = x;
            int in = features;
            for (int l = 0; l <= hidden.length; l++) {
                int out = l < hidden.length ? hidden[l] : classes;
                float[] w = new float[in * out];
                double std = Math.sqrt(2.0 / in);
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (random.nextGaussian() * std);
                }
                Variable<TFloat32> weight = tf.variable(tf.constant(Shape.of(in, out), DataBuffers.of(w, true, false)));
                Variable<TFloat32> bias = tf.variable(tf.constant(Shape.of(out), DataBuffers.of(new float[out], true, false)));
                params.add(weight);
                params.add(bias);
                h = tf.math.add(tf.linalg.matMul(h, weight), bias);
                if (l < hidden.length) {
                    h = tf.nn.relu(h);
                }
                in = out;
            }
            Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(h, y).loss(), tf.constant(0));
            Gradients grads = tf.gradients(loss, params);
            Ops gated = tf.withControlDependencies(new ArrayList<>(grads.dy()));
            List<org.tensorflow.op.Op> updates = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                Operand<TFloat32> dy = grads.dy(i);
                updates.add(gated.assignSub(params.get(i), gated.math.mul(dy, gated.constant(0.01f))));
            }
            int k = 8;
            List<TFloat32> xs = new ArrayList<>();
            List<TFloat32> ys = new ArrayList<>();
            try {
                float[] xb = new float[batch * features];
                float[] yb = new float[batch * classes];
                for (int b = 0; b < k; b++) {
                    java.util.Arrays.fill(yb, 0);
                    for (int i = 0; i < batch; i++) {
                        int index = (b * batch + i) % train.size();
                        train.copyFeatures(index, xb, i * features);
                        yb[i * classes + train.label(index)] = 1;
                    }
                    xs.add(TFloat32.tensorOf(Shape.of(batch, features), DataBuffers.of(xb, true, false)));
                    ys.add(TFloat32.tensorOf(Shape.of(batch, classes), DataBuffers.of(yb, true, false)));
                }
                long t0 = 0;
                for (int s = 0; s < warm + steps; s++) {
                    if (s == warm) {
                        t0 = System.nanoTime();
                    }
                    Session.Runner runner = session.runner().feed(x, xs.get(s % k)).feed(y, ys.get(s % k)).fetch(loss);
                    updates.forEach(runner::addTarget);
                    runner.run().close();
                }
                return (System.nanoTime() - t0) / 1e6 / steps;
            } finally {
                xs.forEach(TFloat32::close);
                ys.forEach(TFloat32::close);
            }
        }
    }

    /** Peak and current resident set size of this process, from /proc. */
    static String rss() {
        long peak = Memory.rss("VmHWM:");
        return peak == 0 ? "RSS unknown" : "peak RSS " + peak / 1024 + " kB (now " + Memory.rss("VmRSS:") / 1024 + " kB)";
    }

}
