package dev.neurite.algorithm.monoforward;

import dev.neurite.api.algorithm.Hyperparameter;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.ModelSpec;
import org.osgi.service.component.annotations.Component;

import java.util.List;

/**
 * Mono-Forward (arXiv 2501.09238): every hidden layer i has a projection {@code M_i}
 * (classes × width) and learns from its own softmax cross-entropy on the scores
 * {@code G_i = a_i M_iᵀ}; nothing flows back between layers (each layer's input is passed
 * on through a stop-gradient). One forward pass per batch; the prediction is the last layer's
 * scores. The model's softmax output layer plays the role of the last hidden layer's
 * projection (with a bias), so a model stores as a plain MLP plus the projections of the
 * other hidden layers ({@code layerN.projection [classes, width]}).
 *
 * <p>Hyperparameters:
 * <ul>
 * <li>{@code epochs} (1): passes over the training data;</li>
 * <li>{@code batchSize} (128): examples per step (the replication's setting); a last partial
 *     batch of an epoch is skipped;</li>
 * <li>{@code optimizer} (adam): {@code adam} or {@code sgd} (with {@code momentum});</li>
 * <li>{@code learningRate} (3.2e-4): the replication's Adam step size;</li>
 * <li>{@code momentum} (0), {@code beta1}, {@code beta2}, {@code epsilon} (0.9, 0.999, 1e-8);</li>
 * <li>{@code weightDecay} (0): L2 (SGD) or decoupled (Adam);</li>
 * <li>{@code evalBatchSize} (500): examples per evaluation step.</li>
 * </ul>
 * Each step reports {@code layerN.loss}, the local loss of hidden layer N.
 */
@Component(service = TrainingAlgorithm.class, property = TrainingAlgorithm.NAME_PROPERTY + "=" + MonoForward.NAME)
public class MonoForward implements TrainingAlgorithm {

    public static final String NAME = "mono-forward";

    static final List<Hyperparameter> HYPERPARAMETERS = List.of(
            Hyperparameter.ofInt("epochs", 1, 1, 10_000, "passes over the training data"),
            Hyperparameter.ofInt("batchSize", 128, 1, 65_536, "examples per step (a last partial batch is skipped)"),
            Hyperparameter.ofChoice("optimizer", "adam", List.of("sgd", "adam"), "update rule"),
            Hyperparameter.ofDouble("learningRate", 3.2e-4, 1e-7, 10, "step size"),
            Hyperparameter.ofDouble("momentum", 0.0, 0, 0.999, "SGD momentum"),
            Hyperparameter.ofDouble("beta1", 0.9, 0, 0.9999, "Adam first-moment decay"),
            Hyperparameter.ofDouble("beta2", 0.999, 0, 0.99999, "Adam second-moment decay"),
            Hyperparameter.ofDouble("epsilon", 1e-8, 1e-12, 1, "Adam denominator offset"),
            Hyperparameter.ofDouble("weightDecay", 0.0, 0, 1, "L2 (SGD) or decoupled (Adam) weight decay"),
            Hyperparameter.ofInt("evalBatchSize", 500, 1, 65_536, "examples per evaluation step"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Mono-Forward: per-layer projections and local softmax cross-entropy, no backward pass between layers.";
    }

    @Override
    public List<Hyperparameter> hyperparameters() {
        return HYPERPARAMETERS;
    }

    @Override
    public ModelSpec defaultModel(int inputs, int classes) {
        return ModelSpec.mlp(inputs, new int[] {1000, 1000}, Activation.RELU, classes);
    }

    @Override
    public Trainer createTrainer(TrainingContext context) {
        ModelSpec spec = context.model();
        List<LayerSpec> layers = spec.layers();
        if (layers.size() < 2) {
            throw new InvalidRequestException("model", NAME + " needs at least one hidden layer; got " + spec.describe());
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            if (!LayerSpec.DENSE.equals(layer.type())) {
                throw new InvalidRequestException("model", NAME + " trains dense layers only; got " + spec.describe());
            }
            if (last != (layer.activation() == Activation.SOFTMAX)) {
                throw new InvalidRequestException("model", NAME + " needs softmax on the last layer and only there; got "
                        + spec.describe());
            }
        }
        return new MonoForwardTrainer(context);
    }
}
