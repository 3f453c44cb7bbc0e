package dev.neurite.bench;

import dev.neurite.algorithm.backprop.Backprop;
import dev.neurite.api.algorithm.StandaloneContext;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.Tensor;
import dev.neurite.runtime.compute.JavaBackend;
import dev.neurite.runtime.data.DataDirectoryRegistry;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Benchmarks of the Java backend; see this module's README. */
public final class ComputeBench {

    private ComputeBench() {
    }

    public static void main(String[] args) throws Exception {
        String data = "../shared/datasets";
        int epochs = 3;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean scalar = true;
        boolean smoke = false;
        boolean trainOnly = false;
        String rate = "0.1";
        String momentum = "0";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--train-only" -> trainOnly = true;
                case "--learning-rate" -> rate = args[++i];
                case "--momentum" -> momentum = args[++i];
                case "--data" -> data = args[++i];
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--skip-scalar" -> scalar = false;
                case "--smoke" -> smoke = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (trainOnly) {
            train(Path.of(data), epochs, threads, rate, momentum);
        } else {
            run(Path.of(data), epochs, threads, scalar, smoke);
        }
    }

    /** Trains 784-1000-1000-10 on MNIST with the vector kernels (if present) and prints each epoch. */
    static void train(Path data, int epochs, int threads, String rate, String momentum) throws Exception {
        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(data));
        Dataset train = registry.open("mnist/train");
        Dataset test = registry.open("mnist/test");
        ModelSpec model = ModelSpec.mlp(784, new int[] {1000, 1000}, Activation.RELU, 10);
        try (JavaBackend backend = new JavaBackend(threads, true); Trainer trainer = new Backprop().createTrainer(
                context(backend, model, train, test, Map.of("batchSize", "128", "learningRate", rate, "momentum",
                        momentum, "epochs", Integer.toString(epochs)), 1))) {
            System.out.printf("%s on %s, batch 128, SGD learning rate %s, momentum %s%n", model.describe(), backend,
                    rate, momentum);
            long per = trainer.stepsPerEpoch();
            for (int e = 0; e < epochs; e++) {
                long t0 = System.nanoTime();
                for (long s = e * per; s < (e + 1) * per; s++) {
                    trainer.step(s);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("epoch %d: %.0f samples/s, test accuracy %.4f%n", e + 1, per * 128 / seconds,
                        trainer.evaluate().get("test.accuracy"));
            }
        }
    }

    /** Runs the benchmark and prints its tables. */
    public static void run(Path data, int epochs, int threads, boolean withScalar, boolean smoke) throws Exception {
        System.out.printf("Neurite Java backend benchmark: %d threads, Java %s, vector API %s%n", threads,
                System.getProperty("java.version"), JavaBackend.vectorAvailable() ? "present" : "absent");
        HeapSampler heap = new HeapSampler(5);
        List<JavaBackend> backends = new ArrayList<>();
        if (withScalar || !JavaBackend.vectorAvailable()) {
            backends.add(new JavaBackend(threads, false));
        }
        if (JavaBackend.vectorAvailable()) {
            backends.add(new JavaBackend(threads, true));
        }
        try {
            gemmTable(backends, smoke ? new int[] {64, 128} : new int[] {256, 512, 1024, 2048});
            DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(data));
            Dataset train = registry.open(smoke ? "blobs/train" : "mnist/train");
            Dataset test = registry.open(smoke ? "blobs/test" : "mnist/test");
            int features = train.featureSize();
            int classes = train.numClasses();
            System.out.println();
            System.out.println("| MLP training step, batch 128 | kernels | ms/step | samples/s |");
            System.out.println("|---|---|---|---|");
            int[] big = smoke ? new int[] {64, 64} : new int[] {2000, 2000, 2000, 2000};
            for (JavaBackend backend : backends) {
                ModelSpec model = ModelSpec.mlp(features, big, Activation.RELU, classes);
                try (Trainer trainer = new Backprop().createTrainer(context(backend, model, train, null,
                        Map.of("batchSize", "128", "learningRate", "0.01"), 1))) {
                    int warm = smoke ? 2 : 5;
                    int steps = smoke ? 5 : 20;
                    for (int s = 0; s < warm; s++) {
                        trainer.step(s);
                    }
                    long t0 = System.nanoTime();
                    for (int s = 0; s < steps; s++) {
                        trainer.step(warm + s);
                    }
                    double ms = (System.nanoTime() - t0) / 1e6 / steps;
                    System.out.printf("| %s | %s | %.1f | %.0f |%n", model.describe(), kind(backend), ms, 128 / ms * 1000);
                }
            }
            System.out.println();
            System.out.println("| full epoch, 784-1000-1000-10, batch 128, SGD 0.1 | kernels | samples/s | test accuracy after epoch 1..n |");
            System.out.println("|---|---|---|---|");
            int[] hidden = smoke ? new int[] {32, 32} : new int[] {1000, 1000};
            for (JavaBackend backend : backends) {
                boolean full = backend == backends.get(backends.size() - 1);
                int runEpochs = full ? epochs : 1;
                ModelSpec model = ModelSpec.mlp(features, hidden, Activation.RELU, classes);
                try (Trainer trainer = new Backprop().createTrainer(context(backend, model, train, test,
                        Map.of("batchSize", "128", "learningRate", "0.1", "epochs", Integer.toString(runEpochs)), 1))) {
                    long per = trainer.stepsPerEpoch();
                    List<String> accuracies = new ArrayList<>();
                    double samplesPerSecond = 0;
                    for (int e = 0; e < runEpochs; e++) {
                        long t0 = System.nanoTime();
                        for (long s = e * per; s < (e + 1) * per; s++) {
                            trainer.step(s);
                        }
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        if (e == 0) {
                            samplesPerSecond = per * 128 / seconds;
                        }
                        accuracies.add(String.format("%.4f", trainer.evaluate().get("test.accuracy")));
                    }
                    System.out.printf("| %s | %s | %.0f (epoch 1) | %s |%n", model.describe(), kind(backend),
                            samplesPerSecond, String.join(", ", accuracies));
                }
            }
        } finally {
            backends.forEach(JavaBackend::close);
        }
        System.out.println();
        heap.stop();
        System.out.printf("peak heap in use (sampled every 5 ms): %.0f MiB; max heap %.0f MiB%n",
                heap.peak() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    private static String kind(JavaBackend backend) {
        return backend.vectorized() ? "vector" : "scalar";
    }

    private static void gemmTable(List<JavaBackend> backends, int[] sizes) {
        StringBuilder header = new StringBuilder("| n (C = A·B, n×n×n) |");
        StringBuilder rule = new StringBuilder("|---|");
        for (JavaBackend b : backends) {
            header.append(' ').append(kind(b)).append(" NN GFLOP/s | ").append(kind(b)).append(" TN | ")
                    .append(kind(b)).append(" NT |");
            rule.append("---|---|---|");
        }
        System.out.println(header);
        System.out.println(rule);
        for (int n : sizes) {
            StringBuilder row = new StringBuilder("| " + n + " |");
            for (JavaBackend b : backends) {
                for (int c = 0; c < 3; c++) {
                    row.append(String.format(" %.1f |", gemm(b, n, c == 1, c == 2)));
                }
            }
            System.out.println(row);
        }
    }

    /** GFLOP/s of an n×n×n product: the best of several timed runs after a warm-up. */
    static double gemm(Backend backend, int n, boolean ta, boolean tb) {
        Graph g = new Graph();
        Tensor a = g.input("a", n, n);
        Tensor b = g.input("b", n, n);
        SplittableRandom random = new SplittableRandom(n);
        float[] av = new float[n * n];
        float[] bv = new float[n * n];
        for (int i = 0; i < av.length; i++) {
            av[i] = (float) random.nextDouble();
            bv[i] = (float) random.nextDouble();
        }
        try (CompiledStep step = backend.compile(g.step().output("c", g.matmul(a, b, ta, tb)).build())) {
            step.setInput("a", av);
            step.setInput("b", bv);
            double flops = 2.0 * n * n * n;
            int warm = Math.max(1, (int) (2e9 / flops));
            for (int i = 0; i < warm; i++) {
                step.run();
            }
            int reps = Math.max(3, (int) (4e9 / flops));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                step.run();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return flops / best / 1e9;
        }
    }

    public static TrainingContext context(Backend backend, ModelSpec model, Dataset train, Dataset test, Map<String, String> hp,
                                   long seed) {
        return StandaloneContext.of(new Backprop(), backend, model, train, test, hp, seed);
    }
}
