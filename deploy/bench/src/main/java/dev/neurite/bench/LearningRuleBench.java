package dev.neurite.bench;

import dev.neurite.algorithm.backprop.Backprop;
import dev.neurite.algorithm.dfa.Dfa;
import dev.neurite.algorithm.forwardforward.ForwardForward;
import dev.neurite.algorithm.monoforward.MonoForward;
import dev.neurite.api.algorithm.StandaloneContext;
import dev.neurite.api.algorithm.StepResult;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.tensor.Backend;
import dev.neurite.runtime.compute.JavaBackend;
import dev.neurite.runtime.data.DataDirectoryRegistry;
import dev.neurite.tensorflow.TfBackend;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the learning rules side by side on the same data, architecture and backend; see this
 * module's README.
 *
 * <p>{@code run} trains one rule for whole epochs and prints its test accuracy per epoch and a
 * results row. {@code compare} starts one fresh JVM per rule (so that no rule inherits another's
 * heap or native allocations), runs a fixed number of steps in each and prints one table of
 * samples/s and memory: the heap the trainer keeps after a full GC (parameters, optimizer state
 * and the backend's step buffers), the peak heap in use while stepping, and the peak growth of
 * the process's resident set (which is where TensorFlow's native allocations show).
 */
public final class LearningRuleBench {

    private static final String RESULT = "RESULT ";

    private LearningRuleBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: run|compare [options]; see deploy/bench/README.md");
        }
        Options o = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "run" -> run(o);
            case "compare" -> compare(o, Arrays.copyOfRange(args, 1, args.length));
            case "measure" -> measure(o);
            default -> throw new IllegalArgumentException("unknown mode " + args[0] + "; use run or compare");
        }
    }

    /** Command-line settings shared by both modes. */
    static final class Options {
        Path data = Path.of("../shared/datasets");
        List<String> algorithms = List.of("forward-forward");
        String dataset = "mnist";
        int[] hidden;
        String activation;
        String backend = "java";
        int threads = Runtime.getRuntime().availableProcessors();
        int epochs = 1;
        long steps = 0;
        long seed = 1;
        int evalEvery = 1;
        final Map<String, String> settings = new LinkedHashMap<>();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data" -> o.data = Path.of(args[++i]);
                    case "--algorithm", "--algorithms" -> o.algorithms = List.of(args[++i].split(","));
                    case "--dataset" -> o.dataset = args[++i];
                    case "--hidden" -> o.hidden = hidden(args[++i]);
                    case "--activation" -> o.activation = args[++i];
                    case "--backend" -> o.backend = args[++i];
                    case "--threads" -> o.threads = Integer.parseInt(args[++i]);
                    case "--epochs" -> o.epochs = Integer.parseInt(args[++i]);
                    case "--steps" -> o.steps = Long.parseLong(args[++i]);
                    case "--seed" -> o.seed = Long.parseLong(args[++i]);
                    case "--eval-every" -> o.evalEvery = Integer.parseInt(args[++i]);
                    case "--set" -> {
                        String kv = args[++i];
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--set wants name=value, got " + kv);
                        }
                        o.settings.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return o;
        }

        /** "2000x4" or "1000,1000". */
        static int[] hidden(String text) {
            if (text.contains("x")) {
                String[] p = text.split("x");
                int[] h = new int[Integer.parseInt(p[1])];
                Arrays.fill(h, Integer.parseInt(p[0]));
                return h;
            }
            return Arrays.stream(text.split(",")).mapToInt(Integer::parseInt).toArray();
        }
    }

    static TrainingAlgorithm algorithm(String name) {
        return switch (name) {
            case "backprop" -> new Backprop();
            case "dfa" -> new Dfa();
            case "mono-forward" -> new MonoForward();
            case "forward-forward" -> new ForwardForward();
            default -> throw new IllegalArgumentException("unknown algorithm " + name
                    + "; known: backprop, dfa, mono-forward, forward-forward");
        };
    }

    /** The given architecture, or the rule's default one; the hidden activation defaults to the rule's. */
    static ModelSpec model(TrainingAlgorithm algorithm, Options o, Dataset train) {
        ModelSpec defaults = algorithm.defaultModel(train.featureSize(), train.numClasses());
        List<LayerSpec> layers = defaults.layers();
        Activation activation = o.activation != null ? Activation.valueOf(o.activation.toUpperCase(Locale.ROOT))
                : layers.size() > 1 ? layers.get(0).activation() : Activation.RELU;
        int[] hidden = o.hidden != null ? o.hidden
                : layers.subList(0, layers.size() - 1).stream().mapToInt(LayerSpec::units).toArray();
        return ModelSpec.mlp(train.featureSize(), hidden, activation, train.numClasses());
    }

    static Backend backend(Options o) {
        return switch (o.backend) {
            case "java" -> new JavaBackend(o.threads, true);
            case "tensorflow", "tf" -> TfBackend.cpu();
            default -> throw new IllegalArgumentException("unknown backend " + o.backend + "; use java or tensorflow");
        };
    }

    // ------------------------------------------------------------------------ run

    static void run(Options o) throws Exception {
        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(o.data));
        Dataset train = registry.open(o.dataset + "/train");
        Dataset test = registry.open(o.dataset + "/test");
        String name = o.algorithms.get(0);
        TrainingAlgorithm algorithm = algorithm(name);
        ModelSpec model = model(algorithm, o, train);
        Map<String, String> hp = new LinkedHashMap<>(o.settings);
        hp.put("epochs", Integer.toString(o.epochs));
        Backend backend = backend(o);
        System.out.printf("%s on %s, %s, %s, %d epochs, seed %d, settings %s%n", name, o.dataset, model.describe(),
                backend.name(), o.epochs, o.seed, o.settings);
        Map<String, Double> last = Map.of();
        long trainNanos = 0;
        long samples = 0;
        try (Trainer trainer = algorithm.createTrainer(StandaloneContext.of(algorithm, backend, model, train, test, hp,
                o.seed))) {
            long per = trainer.stepsPerEpoch();
            for (int e = 0; e < o.epochs; e++) {
                long t0 = System.nanoTime();
                StepResult result = null;
                long end = o.steps > 0 ? Math.min((e + 1) * per, o.steps) : (e + 1) * per;
                for (long s = e * per; s < end; s++) {
                    result = trainer.step(s);
                    samples += result.samples();
                }
                trainNanos += System.nanoTime() - t0;
                boolean stop = o.steps > 0 && end == o.steps;
                boolean evaluate = (e + 1) % o.evalEvery == 0 || e == o.epochs - 1 || stop;
                if (evaluate) {
                    last = trainer.evaluate();
                }
                System.out.printf("epoch %d: %.0f s, %s%s%n", e + 1, (System.nanoTime() - t0) / 1e9,
                        result == null ? "{}" : format(result.metrics()), evaluate ? ", " + format(last) : "");
                if (stop) {
                    break;
                }
            }
        } finally {
            close(backend);
        }
        double seconds = trainNanos / 1e9;
        System.out.printf("| %s | %s | %s | %s | %d | %.2f%% | %s | %.0f | %.0f |%n", name, o.dataset, model.describe(),
                o.backend, o.epochs, 100 * last.getOrDefault("test.accuracy", Double.NaN), extra(last), seconds,
                samples / seconds);
    }

    private static String extra(Map<String, Double> metrics) {
        List<String> parts = new ArrayList<>();
        metrics.forEach((k, v) -> {
            if (k.startsWith("test.accuracy.")) {
                parts.add(k.substring("test.accuracy.".length()) + " " + String.format(Locale.ROOT, "%.2f%%", 100 * v));
            }
        });
        return parts.isEmpty() ? "" : String.join(", ", parts);
    }

    private static String format(Map<String, Double> metrics) {
        StringBuilder b = new StringBuilder("{");
        metrics.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=')
                .append(String.format(Locale.ROOT, "%.4f", v)));
        return b.append('}').toString();
    }

    // ------------------------------------------------------------------------ compare

    /**
     * One child JVM per rule, same options; each child runs {@code measure} and prints a RESULT
     * line that this process gathers into one table.
     */
    static void compare(Options o, String[] args) throws Exception {
        if (o.steps <= 0) {
            throw new IllegalArgumentException("compare needs --steps N (steps measured per rule)");
        }
        List<String> rows = new ArrayList<>();
        for (String name : o.algorithms) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(LearningRuleBench.class.getName());
            command.add("measure");
            List<String> rest = new ArrayList<>(Arrays.asList(args));
            int at = rest.indexOf("--algorithms") >= 0 ? rest.indexOf("--algorithms") : rest.indexOf("--algorithm");
            if (at >= 0) {
                rest.remove(at + 1);
                rest.remove(at);
            }
            command.addAll(rest);
            command.add("--algorithm");
            command.add(name);
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            String row = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith(RESULT)) {
                        row = line.substring(RESULT.length());
                    } else {
                        System.out.println("  [" + name + "] " + line);
                    }
                }
            }
            int exit = child.waitFor();
            rows.add(row != null ? row : "| " + name + " | failed (exit " + exit + ") | | | | | |");
        }
        System.out.println();
        System.out.println("| rule | model | backend | batch | samples/s | retained heap MiB | peak heap MiB | peak RSS growth MiB | step buffers MiB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    static void measure(Options o) throws Exception {
        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(o.data));
        Dataset train = registry.open(o.dataset + "/train");
        String name = o.algorithms.get(0);
        TrainingAlgorithm algorithm = algorithm(name);
        ModelSpec model = model(algorithm, o, train);
        Map<String, String> hp = new LinkedHashMap<>(o.settings);
        hp.put("epochs", "1");
        Backend backend = backend(o);
        try {
            // Warm the data pages and the backend's kernels, then take the baseline.
            long warm = Math.max(2, o.steps / 10);
            Memory.settle();
            long heapBase = Memory.heapUsed();
            long rssBase = Memory.rss("VmRSS:");
            long buffersBase = stepBufferBytes(backend);
            HeapSampler sampler = new HeapSampler(2);
            long samples = 0;
            long nanos;
            long retained;
            int batch;
            try (Trainer trainer = algorithm.createTrainer(StandaloneContext.of(algorithm, backend, model, train, null,
                    hp, o.seed))) {
                batch = 0;
                for (long s = 0; s < warm; s++) {
                    batch = trainer.step(s).samples();
                }
                long t0 = System.nanoTime();
                for (long s = warm; s < warm + o.steps; s++) {
                    samples += trainer.step(s).samples();
                }
                nanos = System.nanoTime() - t0;
                sampler.stop();
                Memory.settle();
                retained = Memory.heapUsed() - heapBase;
            }
            long peakRss = Memory.rss("VmHWM:") - rssBase;
            System.out.println(RESULT + String.format(Locale.ROOT, "| %s | %s | %s | %d | %.0f | %.1f | %.1f | %.1f | %s |",
                    name, model.describe(), backend.name(), batch, samples / (nanos / 1e9), retained / 1048576.0,
                    (sampler.peak() - heapBase) / 1048576.0, peakRss / 1048576.0,
                    buffersBase < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f",
                            (stepBufferBytes(backend) - buffersBase) / 1048576.0)));
        } finally {
            close(backend);
        }
    }

    private static void close(Backend backend) {
        if (backend instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                System.out.println("closing " + backend.name() + ": " + e);
            }
        }
    }

    /** Bytes of step buffers the Java backend has allocated; -1 for other backends. */
    private static long stepBufferBytes(Backend backend) {
        return backend instanceof JavaBackend java ? java.stepBufferBytes() : -1;
    }
}
