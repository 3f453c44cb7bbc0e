package dev.neurite.algorithm.backprop;

import dev.neurite.api.algorithm.StandaloneContext;
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

class BackpropTest {

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
        return StandaloneContext.of(new Backprop(), backend, model, train, test, hp, seed);
    }

    @Test
    void oneEpochOfMnistReachesNinetyFivePercent() throws Exception {
        Dataset train = data.open("mnist/train");
        Dataset test = data.open("mnist/test");
        ModelSpec model = ModelSpec.mlp(784, new int[] {256}, Activation.RELU, 10);
        Map<String, String> hp = Map.of("epochs", "1", "batchSize", "64", "learningRate", "0.05", "momentum", "0.9");
        try (Trainer trainer = new Backprop().createTrainer(context(backend, model, train, test, hp, 1))) {
            double first = trainer.step(0).loss();
            double last = 0;
            for (long s = 1; s < trainer.totalSteps(); s++) {
                last = trainer.step(s).loss();
            }
            Map<String, Double> metrics = trainer.evaluate();
            double accuracy = metrics.get("test.accuracy");
            System.out.printf("backprop 784-256-10, 1 epoch on %s: first loss %.3f, last %.3f, test accuracy %.4f%n",
                    backend, first, last, accuracy);
            assertTrue(first > 1.5, "an untrained net is near chance: " + first);
            assertTrue(accuracy >= 0.95, "test accuracy " + accuracy);
            assertEquals(4, trainer.parameters().size(), "two weights and two biases");
        }
    }

    @Test
    void aScheduledLearningRateDecaysToZeroAndStillTrains() throws Exception {
        Dataset train = data.open("blobs/train");
        Dataset test = data.open("blobs/test");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {16}, Activation.RELU, train.numClasses());
        for (String schedule : List.of("linear", "cosine")) {
            Map<String, String> hp = Map.of("epochs", "2", "batchSize", "32", "learningRate", "0.2", "momentum", "0.5",
                    "schedule", schedule);
            try (Trainer trainer = new Backprop().createTrainer(context(backend, model, train, test, hp, 3))) {
                BackpropTrainer t = (BackpropTrainer) trainer;
                long total = trainer.totalSteps();
                assertEquals(0.2, t.rateAt(0), 1e-12);
                assertEquals(0.1, t.rateAt(total / 2), 0.2 / total + 1e-9, schedule + " halfway");
                assertEquals(0.0, t.rateAt(total), 1e-12);
                for (long s = 0; s < total; s++) {
                    trainer.step(s);
                }
                double accuracy = trainer.evaluate().get("test.accuracy");
                assertTrue(accuracy > 0.9, schedule + ": test accuracy " + accuracy);
            }
        }
    }

    @Test
    void aRestoredTrainerEndsExactlyAsAnUninterruptedOne() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {16, 12}, Activation.TANH, train.numClasses());
        Map<String, String> hp = Map.of("epochs", "3", "batchSize", "32", "optimizer", "adam", "learningRate", "0.01",
                "weightDecay", "0.01");
        List<StoredTensor> expected;
        try (Trainer whole = new Backprop().createTrainer(context(backend, model, train, null, hp, 7))) {
            for (long s = 0; s < whole.totalSteps(); s++) {
                whole.step(s);
            }
            expected = whole.parameters();
        }
        long half;
        TrainerState state;
        try (Trainer first = new Backprop().createTrainer(context(backend, model, train, null, hp, 7))) {
            half = first.totalSteps() / 2 + 1;
            for (long s = 0; s < half; s++) {
                first.step(s);
            }
            state = first.snapshot(half);
            assertTrue(state.tensors().stream().anyMatch(t -> t.name().endsWith("/m")), "Adam moments are checkpointed");
        }
        try (Trainer resumed = new Backprop().createTrainer(context(backend, model, train, null, hp, 7))) {
            resumed.restore(state);
            for (long s = half; s < resumed.totalSteps(); s++) {
                resumed.step(s);
            }
            assertEquals(expected, resumed.parameters(), "resumed run must equal the uninterrupted one bit for bit");
        }
    }
}
