package dev.neurite.algorithm.dfa;

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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DfaTest {

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
        return StandaloneContext.of(new Dfa(), backend, model, train, test, hp, seed);
    }

    @Test
    void oneEpochOfMnistReachesNinetyPercentWithPerLayerMetrics() throws Exception {
        Dataset train = data.open("mnist/train");
        Dataset test = data.open("mnist/test");
        ModelSpec model = ModelSpec.mlp(784, new int[] {128, 128}, Activation.RELU, 10);
        Map<String, String> hp = Map.of("epochs", "1", "batchSize", "64", "learningRate", "0.001");
        try (Trainer trainer = new Dfa().createTrainer(context(backend, model, train, test, hp, 1))) {
            StepResult first = trainer.step(0);
            assertTrue(first.metrics().containsKey("layer1.signal"), "per-layer metrics: " + first.metrics());
            assertTrue(first.metrics().containsKey("layer2.signal"), "per-layer metrics: " + first.metrics());
            assertTrue(first.metrics().containsKey("layer3.loss"), "per-layer metrics: " + first.metrics());
            StepResult last = first;
            for (long s = 1; s < trainer.totalSteps(); s++) {
                last = trainer.step(s);
            }
            double accuracy = trainer.evaluate().get("test.accuracy");
            System.out.printf("dfa 784-128-128-10, 1 epoch, batch 64, Adam 1e-3 on %s: first %s, last %s,"
                    + " test accuracy %.4f%n", backend, first.metrics(), last.metrics(), accuracy);
            assertTrue(first.loss() > 1.5, "an untrained net is near chance: " + first.loss());
            assertTrue(accuracy >= 0.90, "test accuracy " + accuracy);
            assertEquals(6, trainer.parameters().size(), "three weights and three biases");
        }
    }

    @Test
    void aRestoredTrainerEndsExactlyAsAnUninterruptedOne() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {16, 12}, Activation.TANH, train.numClasses());
        // With dropout, so the resumed run must also redraw the same masks.
        Map<String, String> hp = Map.of("epochs", "3", "batchSize", "32", "learningRate", "0.01", "weightDecay", "0.01",
                "dropout", "0.3");
        List<StoredTensor> expected = trainedParameters(model, train, hp, 7);
        Map<String, String> noDropout = new java.util.HashMap<>(hp);
        noDropout.put("dropout", "0");
        assertNotEquals(expected, trainedParameters(model, train, noDropout, 7), "dropout changes the training");
        long half;
        TrainerState state;
        try (Trainer first = new Dfa().createTrainer(context(backend, model, train, null, hp, 7))) {
            half = first.totalSteps() / 2 + 1;
            for (long s = 0; s < half; s++) {
                first.step(s);
            }
            state = first.snapshot(half);
            assertTrue(state.tensors().stream().anyMatch(t -> t.name().endsWith("/m")), "Adam moments are checkpointed");
            assertTrue(state.tensors().stream().anyMatch(t -> t.name().equals("feedback.0")),
                    "feedback matrices are checkpointed");
        }
        try (Trainer resumed = new Dfa().createTrainer(context(backend, model, train, null, hp, 7))) {
            resumed.restore(state);
            for (long s = half; s < resumed.totalSteps(); s++) {
                resumed.step(s);
            }
            assertEquals(expected, resumed.parameters(), "resumed run must equal the uninterrupted one bit for bit");
        }
    }

    @Test
    void aScheduleFeedsTheDecayedRate() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {8}, Activation.TANH, train.numClasses());
        Map<String, String> hp = Map.of("epochs", "2", "batchSize", "32", "learningRate", "0.01", "schedule", "cosine");
        try (Trainer trainer = new Dfa().createTrainer(context(backend, model, train, null, hp, 3))) {
            DfaTrainer t = (DfaTrainer) trainer;
            assertEquals(0.01, t.rateAt(0), 1e-12);
            assertEquals(0.005, t.rateAt(trainer.totalSteps() / 2), 1e-4);
            assertEquals(0.0, t.rateAt(trainer.totalSteps()), 1e-12);
        }
        Map<String, String> flat = new java.util.HashMap<>(hp);
        flat.put("schedule", "constant");
        assertNotEquals(trainedParameters(model, train, flat, 3), trainedParameters(model, train, hp, 3),
                "the schedule reaches the optimizer");
    }

    /** The parameters after a whole run. */
    private static List<StoredTensor> trainedParameters(ModelSpec model, Dataset train, Map<String, String> hp, long seed)
            throws Exception {
        try (Trainer trainer = new Dfa().createTrainer(context(backend, model, train, null, hp, seed))) {
            for (long s = 0; s < trainer.totalSteps(); s++) {
                trainer.step(s);
            }
            return trainer.parameters();
        }
    }
}
