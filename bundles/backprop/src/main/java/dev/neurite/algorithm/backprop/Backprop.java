package dev.neurite.algorithm.backprop;

import dev.neurite.api.algorithm.Hyperparameter;
import dev.neurite.api.algorithm.LearningRateSchedule;
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
 * Backpropagation, the baseline every other rule is compared with: an MLP of dense layers
 * (ReLU, tanh, sigmoid or identity hidden units, a softmax output) trained on softmax
 * cross-entropy with gradients from reverse-mode differentiation. Written once against
 * {@code dev.neurite.api.tensor}, it runs on whichever backend the job gets.
 *
 * <p>Hyperparameters:
 * <ul>
 * <li>{@code epochs} (3): passes over the training data;</li>
 * <li>{@code batchSize} (128): examples per step; the last partial batch of an epoch is
 *     skipped, so every step has the same shape;</li>
 * <li>{@code learningRate} (0.1): step size;</li>
 * <li>{@code optimizer} (sgd): {@code sgd} (with {@code momentum}) or {@code adam};</li>
 * <li>{@code momentum} (0): SGD momentum μ in {@code v ← μv + g};</li>
 * <li>{@code beta1}, {@code beta2}, {@code epsilon} (0.9, 0.999, 1e-8): Adam's;</li>
 * <li>{@code weightDecay} (0): L2 added to the gradient for SGD, decoupled (AdamW) for Adam;</li>
 * <li>{@code init} (auto): weight initialization, {@code he} (normal, std √(2/fan_in)),
 *     {@code xavier} (uniform, ±√(6/(fan_in+fan_out))), or {@code auto}: He before ReLU,
 *     Xavier otherwise; biases start at zero;</li>
 * <li>{@code evalBatchSize} (500): examples per evaluation step;</li>
 * <li>{@code schedule} (constant): the learning rate over the run: {@code constant},
 *     {@code linear} decay to zero at the last step, {@code cosine} decay to zero, or
 *     {@code constant-then-linear} (constant for half the run, then linear to zero).</li>
 * </ul>
 * Weights are stored as {@code layerN.weight [out, in]} and {@code layerN.bias [out]}.
 */
@Component(service = TrainingAlgorithm.class, property = TrainingAlgorithm.NAME_PROPERTY + "=" + Backprop.NAME)
public class Backprop implements TrainingAlgorithm {

    public static final String NAME = "backprop";

    static final List<Hyperparameter> HYPERPARAMETERS = List.of(
            Hyperparameter.ofInt("epochs", 3, 1, 10_000, "passes over the training data"),
            Hyperparameter.ofInt("batchSize", 128, 1, 65_536, "examples per step (a last partial batch is skipped)"),
            Hyperparameter.ofDouble("learningRate", 0.1, 1e-7, 10, "step size"),
            Hyperparameter.ofChoice("optimizer", "sgd", List.of("sgd", "adam"), "update rule"),
            Hyperparameter.ofDouble("momentum", 0.0, 0, 0.999, "SGD momentum"),
            Hyperparameter.ofDouble("beta1", 0.9, 0, 0.9999, "Adam first-moment decay"),
            Hyperparameter.ofDouble("beta2", 0.999, 0, 0.99999, "Adam second-moment decay"),
            Hyperparameter.ofDouble("epsilon", 1e-8, 1e-12, 1, "Adam denominator offset"),
            Hyperparameter.ofDouble("weightDecay", 0.0, 0, 1, "L2 (SGD) or decoupled (Adam) weight decay"),
            Hyperparameter.ofChoice("init", "auto", List.of("auto", "he", "xavier"), "weight initialization"),
            Hyperparameter.ofInt("evalBatchSize", 500, 1, 65_536, "examples per evaluation step"),
            Hyperparameter.ofChoice("schedule", "constant", LearningRateSchedule.ids(),
                    "learning rate over the run: constant, linear or cosine decay to zero, or constant then linear"));

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
        return "Backpropagation for MLPs (dense layers, softmax cross-entropy), SGD with momentum or Adam.";
    }

    @Override
    public List<Hyperparameter> hyperparameters() {
        return HYPERPARAMETERS;
    }

    @Override
    public ModelSpec defaultModel(int inputs, int classes) {
        return ModelSpec.mlp(inputs, new int[] {256}, Activation.RELU, classes);
    }

    @Override
    public Trainer createTrainer(TrainingContext context) {
        ModelSpec spec = context.model();
        List<LayerSpec> layers = spec.layers();
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
        return new BackpropTrainer(context);
    }
}
