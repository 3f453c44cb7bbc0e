package dev.neurite.tensorflow;

import dev.neurite.api.model.Activation;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.ModelArtifact;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.tensor.Functions;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Init;
import dev.neurite.api.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a stored layered model into a TF SavedModel: the model's forward pass is rebuilt
 * from its spec with the tensor API, its stored parameters are loaded, and the TF backend
 * writes the graph with the values frozen in. Stored dense layers follow the store's
 * convention: {@code layer<i>.weight} is {@code [units, inputs]}, {@code layer<i>.bias} is
 * {@code [units]}. The signature takes {@code x [batch, inputs]} and returns {@code y}.
 */
final class SavedModelExport {

    private SavedModelExport() {
    }

    static void export(TfBackend backend, ModelArtifact model, int batch, Path directory) throws IOException {
        ModelSpec spec = model.spec();
        Graph g = new Graph();
        Tensor h = g.input("x", batch, spec.inputSize());
        int inputs = spec.inputSize();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            if (!LayerSpec.DENSE.equals(layer.type())) {
                throw new IllegalArgumentException("layer " + i + " is " + layer.type() + "; only dense layers can be exported");
            }
            Tensor w = g.parameter("layer" + i + ".weight", Init.zeros(), layer.units(), inputs);
            Tensor b = g.parameter("layer" + i + ".bias", Init.zeros(), layer.units());
            h = activate(g, g.add(g.matmul(h, w, false, true), b), layer.activation());
            inputs = layer.units();
        }
        try (GraphInstance instance = backend.open(g)) {
            for (int i = 0; i < spec.layers().size(); i++) {
                instance.setVariable(model.tensor("layer" + i + ".weight"));
                instance.setVariable(model.tensor("layer" + i + ".bias"));
            }
            backend.exportSavedModel(instance, Map.of("y", h), directory);
        }
    }

    private static Tensor activate(Graph g, Tensor z, Activation activation) {
        return switch (activation) {
            case IDENTITY -> z;
            case RELU -> g.relu(z);
            case TANH -> g.tanh(z);
            case SIGMOID -> g.sigmoid(z);
            case SOFTMAX -> Functions.softmax(z, 1);
        };
    }
}
