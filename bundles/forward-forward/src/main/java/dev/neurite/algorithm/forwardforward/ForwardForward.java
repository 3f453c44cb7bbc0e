package dev.neurite.algorithm.forwardforward;

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
 * Hinton's supervised Forward-Forward (arXiv 2212.13345), following the procedure of his
 * published code. The label is written as a one-hot vector over the first {@code classes}
 * input features; positive data carries the true label, negative data the same example with a
 * wrong one. Each ReLU hidden layer has goodness {@code G = Σ y²} and its own loss
 * {@code softplus((θ − G_pos)/T) + softplus((G_neg − θ)/T)} (batch means, reported per layer).
 * Every layer's input (the label-overlaid example for the first) is divided by its root mean
 * square: the next layer cannot read the previous goodness off its length, and its squared
 * length equals its width. It is passed on through a stop-gradient, so no gradient crosses
 * layers. In the collaborative variant (Layer Collaboration in FF, AAAI 2024) each
 * collaborating layer's goodness is offset by the other collaborating layers' goodness, held
 * fixed by a stop-gradient, and compared with the sum of their thresholds.
 *
 * <p>A linear softmax readout on the normalized activity of the last hidden layer from a pass
 * with the neutral label (1/classes in each label feature) is trained alongside from its own
 * cross-entropy; it is the model's softmax output layer. It also supplies hard negatives: a
 * wrong label is sampled from its softmax with the true label removed.
 *
 * <p>Updates follow Hinton's code: the step is the learning rate times a moving average of
 * the gradients (decay {@code momentum}) minus the weight cost; a layer steps along
 * {@code (1 − p)·y} per unit, which is half the exact gradient of its loss; peer
 * normalization pushes each unit's total input by λ times the gap between the layer's mean
 * activity and the unit's running mean activity, even while the unit is off, which keeps
 * units from dying.
 *
 * <p>Hyperparameters:
 * <ul>
 * <li>{@code epochs} (1): passes over the training data;</li>
 * <li>{@code batchSize} (100): examples per step; a last partial batch is skipped;</li>
 * <li>{@code learningRate} (0.01): Hinton's; constant for the first half of the run, then
 *     linear decay to zero;</li>
 * <li>{@code momentum} (0.9): decay of the gradient moving average (Hinton's "delay");</li>
 * <li>{@code weightCost} (0.001): L2 weight cost on the layers' weights;</li>
 * <li>{@code readoutLearningRate} (0.1) and {@code readoutWeightCost} (0.003): the same for
 *     the softmax readout;</li>
 * <li>{@code threshold} (0): θ per layer; 0 means the number of units of the layer;</li>
 * <li>{@code temperature} (1): T in {@code p = σ((G − θ)/T)} (Hinton's "temp");</li>
 * <li>{@code negatives} (hard): {@code hard} (sampled from the readout of a neutral pass) or
 *     {@code random} (a uniformly drawn wrong label);</li>
 * <li>{@code collaborative} (false): the collaborative variant;</li>
 * <li>{@code collaborateFrom} (2): the first hidden layer (counted from 1) in the collaborative
 *     sum; earlier layers train alone. The paper sums all layers (1); by default the first
 *     layer is left out, as it is from goodness inference: it reads the label pixels directly,
 *     its goodness separates positives from negatives by the widest margins, and in the sum it
 *     decides most examples alone, so the deeper layers stop learning from them (784-1000×3,
 *     one epoch: 86.6% by goodness with all layers, 93.1% from the second);</li>
 * <li>{@code peerNormalization} (0.03): λ of the peer normalization (0 turns it off);</li>
 * <li>{@code inference} (goodness): {@code goodness} (one pass per label, the label with the
 *     largest goodness summed over hidden layers from the second on, or the only one; over
 *     all layers in the collaborative variant when all of them collaborate) or
 *     {@code readout} (the linear softmax on one neutral pass);</li>
 * <li>{@code evalBatchSize} (500): examples per evaluation step.</li>
 * </ul>
 * Each step reports {@code layerN.loss} for hidden layer N and {@code readout.loss}.
 * Hidden weights start N(0, 1/fan_in), the readout's weights and all biases at zero.
 */
@Component(service = TrainingAlgorithm.class, property = TrainingAlgorithm.NAME_PROPERTY + "=" + ForwardForward.NAME)
public class ForwardForward implements TrainingAlgorithm {

    public static final String NAME = "forward-forward";

    static final List<Hyperparameter> HYPERPARAMETERS = List.of(
            Hyperparameter.ofInt("epochs", 1, 1, 10_000, "passes over the training data"),
            Hyperparameter.ofInt("batchSize", 100, 1, 65_536, "examples per step (a last partial batch is skipped)"),
            Hyperparameter.ofDouble("learningRate", 0.01, 1e-7, 10, "step size: constant for half the run, then linear decay"),
            Hyperparameter.ofDouble("momentum", 0.9, 0, 0.999,
                    "gradient smoothing: each step follows a moving average of the gradients with this decay"),
            Hyperparameter.ofDouble("weightCost", 0.001, 0, 1, "L2 weight cost on the layers' weights"),
            Hyperparameter.ofDouble("readoutLearningRate", 0.1, 1e-7, 10,
                    "step size of the softmax readout (same schedule as the layers)"),
            Hyperparameter.ofDouble("readoutWeightCost", 0.003, 0, 1, "L2 weight cost on the readout's weights"),
            Hyperparameter.ofDouble("threshold", 0, 0, 1e9, "goodness threshold θ per layer; 0 = the layer's units"),
            Hyperparameter.ofDouble("temperature", 1, 1e-3, 1e6, "T in p = σ((G − θ)/T)"),
            Hyperparameter.ofChoice("negatives", "hard", List.of("hard", "random"), "how wrong labels are chosen"),
            Hyperparameter.ofBoolean("collaborative", false,
                    "offset each layer's goodness by the other layers' (stop-gradient)"),
            Hyperparameter.ofInt("collaborateFrom", 2, 1, 1_000,
                    "first hidden layer (1-based) in the collaborative sum; earlier layers train alone"),
            Hyperparameter.ofDouble("peerNormalization", 0.03, 0, 10,
                    "strength of the pull of each unit's mean activity toward its layer's (0 = off)"),
            Hyperparameter.ofChoice("inference", "goodness", List.of("goodness", "readout"), "how test.accuracy predicts"),
            Hyperparameter.ofInt("evalBatchSize", 500, 1, 65_536, "examples per evaluation step"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return "2.0.0";
    }

    @Override
    public String description() {
        return "Forward-Forward: per-layer goodness of positive vs negative (label-overlaid) data, no backward pass.";
    }

    @Override
    public List<Hyperparameter> hyperparameters() {
        return HYPERPARAMETERS;
    }

    @Override
    public ModelSpec defaultModel(int inputs, int classes) {
        return ModelSpec.mlp(inputs, new int[] {1000, 1000, 1000}, Activation.RELU, classes);
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
            if (last ? layer.activation() != Activation.SOFTMAX : layer.activation() != Activation.RELU) {
                throw new InvalidRequestException("model", NAME + " needs ReLU hidden layers and a softmax readout; got "
                        + spec.describe());
            }
        }
        if (spec.inputSize() < spec.outputSize()) {
            throw new InvalidRequestException("model", NAME + " writes the label over the first inputs; it needs at least "
                    + spec.outputSize() + " inputs");
        }
        return new ForwardForwardTrainer(context);
    }
}
