package dev.neurite.algorithm.dfa;

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
 * Direct Feedback Alignment (Nøkland 2016): the output error {@code e = softmax(ŷ) − onehot(y)}
 * reaches every hidden layer l through a fixed random matrix {@code B_l} (width × classes),
 * {@code δa_l = (B_l e) ⊙ f′(a_l)}, and the layer's weights move along {@code δa_l h_{l−1}ᵀ};
 * the output layer uses its true gradient. The update is written out as graph operations
 * (no automatic differentiation), every layer's from the same error, so layers are updated
 * independently of each other. {@code B_l} is drawn N(0, 1/classes) from the job seed and kept
 * as a non-trainable variable ({@code feedback.N}), so it is part of every snapshot.
 *
 * <p>Hyperparameters:
 * <ul>
 * <li>{@code epochs} (1): passes over the training data;</li>
 * <li>{@code batchSize} (64): examples per step (the authors' setting); a last partial
 *     batch of an epoch is skipped;</li>
 * <li>{@code optimizer} (adam): {@code adam} or {@code sgd} (with {@code momentum}); the
 *     authors used RMSprop, which the tensor API does not offer, Adam is its closest kin;</li>
 * <li>{@code learningRate} (1e-4): the authors' step size;</li>
 * <li>{@code momentum} (0), {@code beta1}, {@code beta2}, {@code epsilon} (0.9, 0.999, 1e-8);</li>
 * <li>{@code weightDecay} (0): L2 (SGD) or decoupled (Adam);</li>
 * <li>{@code schedule} (constant): the learning rate over the run, as in {@code backprop};</li>
 * <li>{@code dropout} (0): probability of dropping each hidden unit in a training step
 *     (inverted dropout; a dropped unit gets no update from that example);</li>
 * <li>{@code evalBatchSize} (500): examples per evaluation step.</li>
 * </ul>
 * The default model is the authors' 2×800 tanh. Each step reports the output layer's
 * cross-entropy as {@code layerN.loss} (N = number of layers) and, for each hidden layer,
 * {@code layerN.signal}: the root mean square of the feedback signal δa it was trained with
 * (hidden layers have no loss of their own under DFA).
 */
@Component(service = TrainingAlgorithm.class, property = TrainingAlgorithm.NAME_PROPERTY + "=" + Dfa.NAME)
public class Dfa implements TrainingAlgorithm {

    public static final String NAME = "dfa";

    static final List<Hyperparameter> HYPERPARAMETERS = List.of(
            Hyperparameter.ofInt("epochs", 1, 1, 10_000, "passes over the training data"),
            Hyperparameter.ofInt("batchSize", 64, 1, 65_536, "examples per step (a last partial batch is skipped)"),
            Hyperparameter.ofChoice("optimizer", "adam", List.of("sgd", "adam"), "update rule"),
            Hyperparameter.ofDouble("learningRate", 1e-4, 1e-7, 10, "step size"),
            Hyperparameter.ofDouble("momentum", 0.0, 0, 0.999, "SGD momentum"),
            Hyperparameter.ofDouble("beta1", 0.9, 0, 0.9999, "Adam first-moment decay"),
            Hyperparameter.ofDouble("beta2", 0.999, 0, 0.99999, "Adam second-moment decay"),
            Hyperparameter.ofDouble("epsilon", 1e-8, 1e-12, 1, "Adam denominator offset"),
            Hyperparameter.ofDouble("weightDecay", 0.0, 0, 1, "L2 (SGD) or decoupled (Adam) weight decay"),
            Hyperparameter.ofChoice("schedule", "constant", LearningRateSchedule.ids(),
                    "learning rate over the run: constant, linear or cosine decay to zero, or constant then linear"),
            Hyperparameter.ofDouble("dropout", 0.0, 0, 0.95, "probability of dropping a hidden unit while training"),
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
        return "Direct Feedback Alignment: hidden layers learn from the output error through fixed random matrices.";
    }

    @Override
    public List<Hyperparameter> hyperparameters() {
        return HYPERPARAMETERS;
    }

    @Override
    public ModelSpec defaultModel(int inputs, int classes) {
        return ModelSpec.mlp(inputs, new int[] {800, 800}, Activation.TANH, classes);
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
        return new DfaTrainer(context);
    }
}
