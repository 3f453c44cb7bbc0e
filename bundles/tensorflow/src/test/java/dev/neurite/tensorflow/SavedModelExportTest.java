package dev.neurite.tensorflow;

import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.Functions;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Optimizer;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model trained on the TF backend, exported as a SavedModel and loaded back by plain TF Java. */
class SavedModelExportTest {

    @Test
    void exportedModelLoadsAndGivesTheSameOutputs(@TempDir Path dir) throws Exception {
        TfBackend backend = TfBackend.cpu();
        Graph g = new Graph();
        Tensor x = g.input("x", 8, 4);
        Tensor labels = g.input("y", 8);
        Tensor w1 = g.parameter("w1", Init.normal(0, 0.5, 1), 4, 6);
        Tensor b1 = g.parameter("b1", Init.zeros(), 6);
        Tensor w2 = g.parameter("w2", Init.normal(0, 0.5, 2), 6, 3);
        Tensor logits = g.matmul(g.relu(Functions.dense(x, w1, b1)), w2);
        Tensor probabilities = Functions.softmax(logits, 1);
        Tensor loss = Functions.softmaxCrossEntropyWithLabels(logits, labels);
        Step.Builder train = g.step().output("loss", loss);
        Optimizer.sgd(0.5, 0, 0).minimize(train, loss, g.parameters());
        Step predict = g.step().output("p", probabilities).build();

        SplittableRandom random = new SplittableRandom(5);
        float[] xv = new float[32];
        float[] yv = new float[8];
        for (int i = 0; i < 8; i++) {
            yv[i] = random.nextInt(3);
            for (int j = 0; j < 4; j++) {
                xv[i * 4 + j] = (float) random.nextGaussian() + (j == yv[i] ? 2 : 0);
            }
        }
        float[] expected = new float[24];
        try (GraphInstance instance = backend.open(g)) {
            CompiledStep step = instance.compile(train.build());
            step.setInput("x", xv);
            step.setInput("y", yv);
            step.run();
            float first = step.outputScalar("loss");
            for (int i = 0; i < 20; i++) {
                step.run();
            }
            assertTrue(step.outputScalar("loss") < first, "training lowers the loss");
            CompiledStep p = instance.compile(predict);
            p.setInput("x", xv);
            p.run();
            p.readOutput("p", expected);
            backend.exportSavedModel(instance, Map.of("p", probabilities), dir.resolve("model"));
        }

        try (SavedModelBundle model = SavedModelBundle.load(dir.resolve("model").toString(), "serve");
             TFloat32 in = TFloat32.tensorOf(Shape.of(8, 4), DataBuffers.of(xv, true, false));
             Result out = model.call(Map.of("x", in))) {
            float[] got = new float[24];
            ((TFloat32) out.get("p").orElseThrow()).asRawTensor().data().asFloats().read(got);
            assertArrayEquals(expected, got, 1e-6f);
        }
    }
}
