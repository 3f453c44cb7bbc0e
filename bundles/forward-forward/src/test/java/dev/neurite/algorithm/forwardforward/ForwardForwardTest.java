package dev.neurite.algorithm.forwardforward;

import dev.neurite.api.algorithm.StandaloneContext;
import dev.neurite.api.algorithm.StepResult;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainerState;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.Backend;
import dev.neurite.runtime.compute.JavaBackend;
import dev.neurite.runtime.data.DataDirectoryRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardForwardTest {

    private static final int LAYER = 256;
    private static final String RATE = "0.01";
    // Measured on the Java backend for this schedule: 0.880 by goodness, 0.924 by the readout.
    private static final double GOODNESS_BOUND = 0.84;
    private static final double READOUT_BOUND = 0.88;

    private static JavaBackend backend;
    private static DataDirectoryRegistry data;

    @BeforeAll
    static void setUp() {
        backend = new JavaBackend();
        String root = System.getProperty("neurite.datasets");
        if (root == null) {
            throw new IllegalStateException("system property neurite.datasets is not set; run the tests through Maven");
        }
        data = new DataDirectoryRegistry(List.of(Path.of(root)));
    }

    @AfterAll
    static void tearDown() {
        backend.close();
    }

    static TrainingContext context(Backend backend, ModelSpec model, Dataset train, Dataset test,
                                   Map<String, String> hp, long seed) {
        return StandaloneContext.of(new ForwardForward(), backend, model, train, test, hp, seed);
    }

    @Test
    void oneEpochOfMnistLearnsWithBothInferenceModes() throws Exception {
        Dataset train = data.open("mnist/train");
        Dataset test = data.open("mnist/test");
        ModelSpec model = ModelSpec.mlp(784, new int[] {LAYER, LAYER}, Activation.RELU, 10);
        Map<String, String> hp = Map.of("epochs", "1", "batchSize", "100", "learningRate", RATE);
        try (Trainer trainer = new ForwardForward().createTrainer(context(backend, model, train, test, hp, 1))) {
            StepResult first = trainer.step(0);
            assertTrue(first.metrics().containsKey("layer1.loss"), "per-layer losses: " + first.metrics());
            assertTrue(first.metrics().containsKey("layer2.loss"), "per-layer losses: " + first.metrics());
            assertTrue(first.metrics().containsKey("readout.loss"), "readout loss: " + first.metrics());
            StepResult last = first;
            for (long s = 1; s < trainer.totalSteps(); s++) {
                last = trainer.step(s);
            }
            Map<String, Double> metrics = trainer.evaluate();
            System.out.printf("forward-forward 784-%d-%d, 1 epoch, batch 100, lr %s, hard negatives on %s: first %s,"
                    + " last %s, %s%n", LAYER, LAYER, RATE, backend, first.metrics(), last.metrics(), metrics);
            assertTrue(last.metrics().get("layer1.loss") < first.metrics().get("layer1.loss"), "layer 1 learns");
            assertTrue(metrics.get("test.accuracy.goodness") >= GOODNESS_BOUND, "goodness accuracy " + metrics);
            assertTrue(metrics.get("test.accuracy.readout") >= READOUT_BOUND, "readout accuracy " + metrics);
            assertEquals(metrics.get("test.accuracy.goodness"), metrics.get("test.accuracy"), "goodness is the default");
        }
    }

    @Test
    void theCollaborativeVariantWithRandomNegativesAndPeerNormalizationTrains() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {16, 16}, Activation.RELU, train.numClasses());
        Map<String, String> hp = Map.of("epochs", "2", "batchSize", "32", "collaborative", "true",
                "negatives", "random", "peerNormalization", "0.03", "inference", "readout");
        try (Trainer trainer = new ForwardForward().createTrainer(context(backend, model, train, null, hp, 5))) {
            StepResult first = trainer.step(0);
            StepResult last = first;
            for (long s = 1; s < trainer.totalSteps(); s++) {
                last = trainer.step(s);
            }
            assertTrue(Double.isFinite(last.loss()), "finite loss: " + last.metrics());
            assertEquals(3, last.metrics().size(), "two layer losses and the readout's: " + last.metrics());
        }
    }

    @Test
    void theLearningRateIsConstantForHalfTheRunThenDecaysToZero() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {8}, Activation.RELU, train.numClasses());
        try (Trainer trainer = new ForwardForward().createTrainer(context(backend, model, train, null,
                Map.of("epochs", "2", "batchSize", "32", "learningRate", "0.02"), 5))) {
            ForwardForwardTrainer t = (ForwardForwardTrainer) trainer;
            long total = trainer.totalSteps();
            assertEquals(0.02, t.rateAt(0), 1e-12);
            assertEquals(0.02, t.rateAt(total / 2 - 1), 1e-12);
            assertEquals(0.01, t.rateAt(total * 3 / 4), 0.04 / total + 1e-9);
            assertEquals(0.0, t.rateAt(total), 1e-12);
        }
    }

    @Test
    void aRestoredTrainerEndsExactlyAsAnUninterruptedOne() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {16, 12}, Activation.RELU, train.numClasses());
        Map<String, String> hp = Map.of("epochs", "3", "batchSize", "32", "learningRate", "0.03");
        List<StoredTensor> expected;
        try (Trainer whole = new ForwardForward().createTrainer(context(backend, model, train, null, hp, 7))) {
            for (long s = 0; s < whole.totalSteps(); s++) {
                whole.step(s);
            }
            expected = whole.parameters();
        }
        long half;
        TrainerState state;
        try (Trainer first = new ForwardForward().createTrainer(context(backend, model, train, null, hp, 7))) {
            half = first.totalSteps() / 2 + 1;
            for (long s = 0; s < half; s++) {
                first.step(s);
            }
            state = first.snapshot(half);
            assertTrue(state.tensors().size() > first.parameters().size(), "momentum is checkpointed");
        }
        try (Trainer resumed = new ForwardForward().createTrainer(context(backend, model, train, null, hp, 7))) {
            resumed.restore(state);
            for (long s = half; s < resumed.totalSteps(); s++) {
                resumed.step(s);
            }
            assertEquals(expected, resumed.parameters(), "resumed run must equal the uninterrupted one bit for bit");
        }
    }

    @Test
    void theStepWorkingSetDoesNotGrowWithDepth() throws Exception {
        Dataset train = data.open("mnist/train");
        int width = 96;
        int batch = 50;
        long[] bytes = new long[3];
        int[] depths = {2, 4, 8};
        for (int d = 0; d < depths.length; d++) {
            int[] hidden = new int[depths[d]];
            java.util.Arrays.fill(hidden, width);
            ModelSpec model = ModelSpec.mlp(784, hidden, Activation.RELU, 10);
            try (JavaBackend fresh = new JavaBackend(1, false)) {
                try (Trainer trainer = new ForwardForward().createTrainer(context(fresh, model, train, null,
                        Map.of("batchSize", Integer.toString(batch), "evalBatchSize", "100"), 1))) {
                    trainer.step(0);
                    bytes[d] = fresh.stepBufferBytes();
                }
            }
        }
        // Each added layer adds only its step's own outputs: the two hand-over activities for the
        // next layer and its loss; intermediate values and gradients share one scratch set. (From
        // 2 to 4 layers the first hidden-to-hidden step that hands on appears, whose scratch may
        // differ by a few batch-sized arrays; one activity alone is batch × width floats.)
        long perLayer = 2L * batch * width * Float.BYTES + Float.BYTES;
        String all = java.util.Arrays.toString(bytes);
        assertEquals(4 * perLayer, bytes[2] - bytes[1], "4 -> 8 layers: " + all);
        assertTrue(bytes[1] - bytes[0] <= 2 * perLayer + 4096, "2 -> 4 layers: " + all);
    }

    @Test
    void peerNormalizationPullsAUnitThatIsAlwaysOffBackOn() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {16, 16}, Activation.RELU, train.numClasses());
        float[] biasAfter = new float[2];
        String[] peer = {"0", "0.03"};
        for (int run = 0; run < 2; run++) {
            Map<String, String> hp = Map.of("epochs", "1", "batchSize", "32", "peerNormalization", peer[run]);
            try (Trainer trainer = new ForwardForward().createTrainer(context(backend, model, train, null, hp, 3))) {
                // Unit 0 of the first layer gets a bias so negative that no input turns it on.
                TrainerState state = trainer.snapshot(0);
                List<StoredTensor> tensors = new java.util.ArrayList<>();
                for (StoredTensor t : state.tensors()) {
                    if (t.name().equals("layer0.bias")) {
                        float[] bias = t.toFloats();
                        bias[0] = -100f;
                        t = StoredTensor.ofFloats(t.name(), t.shape(), bias);
                    }
                    tensors.add(t);
                }
                trainer.restore(new TrainerState(0, tensors, state.attributes()));
                for (long s = 0; s < 20; s++) {
                    trainer.step(s);
                }
                biasAfter[run] = trainer.parameters().stream().filter(t -> t.name().equals("layer0.bias"))
                        .findFirst().orElseThrow().toFloats()[0];
            }
        }
        // Without it the dead unit has no gradient at all; with it the unit's total input is
        // pushed up toward the layer's mean activity.
        assertEquals(-100f, biasAfter[0], "a dead unit does not learn without peer normalization");
        assertTrue(biasAfter[1] > -100f + 1e-4, "peer normalization raises the dead unit's bias: " + biasAfter[1]);
    }

    @Test
    void collaboratingLayersShareOneLossAndEarlierLayersKeepTheirOwn() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {16, 16, 16}, Activation.RELU, train.numClasses());
        for (String from : List.of("1", "2")) {
            Map<String, String> hp = Map.of("epochs", "1", "batchSize", "32", "collaborative", "true",
                    "collaborateFrom", from);
            try (Trainer trainer = new ForwardForward().createTrainer(context(backend, model, train, null, hp, 5))) {
                Map<String, Double> m = trainer.step(0).metrics();
                // Every collaborating layer's loss is that of the summed goodness against the summed thresholds.
                assertEquals(m.get("layer2.loss"), m.get("layer3.loss"), 1e-4, "from " + from + ": " + m);
                if (from.equals("1")) {
                    assertEquals(m.get("layer1.loss"), m.get("layer2.loss"), 1e-4, "all layers collaborate: " + m);
                } else {
                    assertTrue(Math.abs(m.get("layer1.loss") - m.get("layer2.loss")) > 1e-3,
                            "the first layer trains alone: " + m);
                }
            }
        }
    }
}
