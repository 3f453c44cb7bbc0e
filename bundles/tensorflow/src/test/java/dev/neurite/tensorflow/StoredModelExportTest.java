package dev.neurite.tensorflow;

import dev.neurite.api.model.Activation;
import dev.neurite.api.model.ModelArtifact;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.model.StoredTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** A model as the store keeps it, exported as a SavedModel and run by plain TF Java. */
class StoredModelExportTest {

    @Test
    void aStoredMlpExportsAndComputesWhatItsWeightsSay(@TempDir Path dir) throws Exception {
        int in = 5;
        int hidden = 4;
        int out = 3;
        int batch = 2;
        SplittableRandom random = new SplittableRandom(9);
        float[] w0 = values(random, hidden * in);
        float[] b0 = values(random, hidden);
        float[] w1 = values(random, out * hidden);
        float[] b1 = values(random, out);
        ModelSpec spec = ModelSpec.mlp(in, new int[] {hidden}, Activation.TANH, out);
        ModelArtifact model = new ModelArtifact("m", "backprop", "1.0.0", spec, List.of(
                StoredTensor.ofFloats("layer0.weight", new int[] {hidden, in}, w0),
                StoredTensor.ofFloats("layer0.bias", new int[] {hidden}, b0),
                StoredTensor.ofFloats("layer1.weight", new int[] {out, hidden}, w1),
                StoredTensor.ofFloats("layer1.bias", new int[] {out}, b1)), Map.of(), Map.of());
        float[] x = values(random, batch * in);

        SavedModelExport.export(TfBackend.cpu(), model, batch, dir.resolve("saved"));

        float[] expected = new float[batch * out];
        for (int n = 0; n < batch; n++) {
            double[] h = new double[hidden];
            for (int u = 0; u < hidden; u++) {
                double z = b0[u];
                for (int j = 0; j < in; j++) {
                    z += w0[u * in + j] * x[n * in + j];
                }
                h[u] = Math.tanh(z);
            }
            double[] z = new double[out];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < out; c++) {
                z[c] = b1[c];
                for (int u = 0; u < hidden; u++) {
                    z[c] += w1[c * hidden + u] * h[u];
                }
                max = Math.max(max, z[c]);
            }
            double sum = 0;
            for (int c = 0; c < out; c++) {
                sum += Math.exp(z[c] - max);
            }
            for (int c = 0; c < out; c++) {
                expected[n * out + c] = (float) (Math.exp(z[c] - max) / sum);
            }
        }
        try (SavedModelBundle saved = SavedModelBundle.load(dir.resolve("saved").toString(), "serve");
             TFloat32 input = TFloat32.tensorOf(Shape.of(batch, in), DataBuffers.of(x, true, false));
             Result result = saved.call(Map.of("x", input))) {
            float[] got = new float[batch * out];
            ((TFloat32) result.get("y").orElseThrow()).asRawTensor().data().asFloats().read(got);
            assertArrayEquals(expected, got, 1e-5f);
        }
    }

    private static float[] values(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }
}
