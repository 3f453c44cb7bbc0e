package dev.neurite.algorithm.monoforward;

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

class MonoForwardTest {

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
        return StandaloneContext.of(new MonoForward(), backend, model, train, test, hp, seed);
    }

    @Test
    void oneEpochOfMnistReachesNinetyPercentWithPerLayerLosses() throws Exception {
        Dataset train = data.open("mnist/train");
        Dataset test = data.open("mnist/test");
        ModelSpec model = ModelSpec.mlp(784, new int[] {128, 128}, Activation.RELU, 10);
        Map<String, String> hp = Map.of("epochs", "1", "batchSize", "64", "learningRate", "0.001");
        try (Trainer trainer = new MonoForward().createTrainer(context(backend, model, train, test, hp, 1))) {
            StepResult first = trainer.step(0);
            assertTrue(first.metrics().containsKey("layer1.loss"), "per-layer losses: " + first.metrics());
            assertTrue(first.metrics().containsKey("layer2.loss"), "per-layer losses: " + first.metrics());
            StepResult last = first;
            for (long s = 1; s < trainer.totalSteps(); s++) {
                last = trainer.step(s);
            }
            double accuracy = trainer.evaluate().get("test.accuracy");
            System.out.printf("mono-forward 784-128-128-10, 1 epoch, batch 64, Adam 1e-3 on %s: first %s, last %s,"
                    + " test accuracy %.4f%n", backend, first.metrics(), last.metrics(), accuracy);
            assertTrue(first.loss() > 1.5, "an untrained net is near chance: " + first.loss());
            assertTrue(last.metrics().get("layer1.loss") < 1.0, "the first layer learns on its own: " + last.metrics());
            assertTrue(accuracy >= 0.90, "test accuracy " + accuracy);
            assertEquals(7, trainer.parameters().size(), "three weights, three biases, one projection");
        }
    }

    @Test
    void aRestoredTrainerEndsExactlyAsAnUninterruptedOne() throws Exception {
        Dataset train = data.open("blobs/train");
        ModelSpec model = ModelSpec.mlp(train.featureSize(), new int[] {16, 12}, Activation.TANH, train.numClasses());
        Map<String, String> hp = Map.of("epochs", "3", "batchSize", "32", "learningRate", "0.01", "weightDecay", "0.01");
        List<StoredTensor> expected;
        try (Trainer whole = new MonoForward().createTrainer(context(backend, model, train, null, hp, 7))) {
            for (long s = 0; s < whole.totalSteps(); s++) {
                whole.step(s);
            }
            expected = whole.parameters();
        }
        long half;
        TrainerState state;
        try (Trainer first = new MonoForward().createTrainer(context(backend, model, train, null, hp, 7))) {
            half = first.totalSteps() / 2 + 1;
            for (long s = 0; s < half; s++) {
                first.step(s);
            }
            state = first.snapshot(half);
            assertTrue(state.tensors().stream().anyMatch(t -> t.name().endsWith("/m")), "Adam moments are checkpointed");
            assertTrue(state.tensors().stream().anyMatch(t -> t.name().equals("layer0.projection")),
                    "projections are checkpointed");
        }
        try (Trainer resumed = new MonoForward().createTrainer(context(backend, model, train, null, hp, 7))) {
            resumed.restore(state);
            for (long s = half; s < resumed.totalSteps(); s++) {
                resumed.step(s);
            }
            assertEquals(expected, resumed.parameters(), "resumed run must equal the uninterrupted one bit for bit");
        }
    }
}
