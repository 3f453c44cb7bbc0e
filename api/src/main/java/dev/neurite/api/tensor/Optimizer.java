package dev.neurite.api.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A gradient-based update rule expressed as graph ops: it adds its state variables to the
 * graph and the parameters' (and state's) new values to a step as assignments, which the
 * step applies only after all of its outputs and gradients are computed.
 */
public abstract class Optimizer {

    private final String prefix;

    Optimizer(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Plain or momentum SGD: {@code v ← μ v + g + λ w; w ← w − η v} (plain SGD when
     * {@code μ = 0}, which keeps no state).
     */
    public static Optimizer sgd(double learningRate, double momentum, double weightDecay) {
        return new Sgd("sgd", learningRate, null, momentum, weightDecay);
    }

    /**
     * SGD whose learning rate is a scalar tensor of the step's graph (for example an input fed
     * each run), so a schedule can change it without recompiling.
     */
    public static Optimizer sgd(Tensor learningRate, double momentum, double weightDecay) {
        return new Sgd("sgd", 0, scalarRate(learningRate), momentum, weightDecay);
    }

    /**
     * Adam with decoupled weight decay (AdamW when {@code weightDecay > 0}):
     * {@code m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
     * w ← w − η (m̂ / (√v̂ + ε) + λ w)} with bias-corrected {@code m̂, v̂}.
     */
    public static Optimizer adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        return new Adam("adam", learningRate, null, beta1, beta2, epsilon, weightDecay);
    }

    /** Adam whose learning rate is a scalar tensor of the step's graph; see {@link #sgd(Tensor, double, double)}. */
    public static Optimizer adam(Tensor learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        return new Adam("adam", 0, scalarRate(learningRate), beta1, beta2, epsilon, weightDecay);
    }

    private static Tensor scalarRate(Tensor rate) {
        if (rate.size() != 1) {
            throw new IllegalArgumentException("a learning rate is a scalar, got " + rate);
        }
        return rate;
    }

    /** {@code x · rate}, with the rate a constant or a tensor. */
    static Tensor scale(Graph g, Tensor x, double rate, Tensor rateTensor) {
        if (rateTensor == null) {
            return g.mul(x, rate);
        }
        if (rateTensor.graph() != g) {
            throw new IllegalArgumentException("the learning rate belongs to another graph");
        }
        return g.mul(x, rateTensor.shape().rank() == 0 ? rateTensor : g.reshape(rateTensor));
    }

    /** Name prefix of the state variables this optimizer creates. */
    public String prefix() {
        return prefix;
    }

    /** Differentiates {@code loss} with respect to {@code parameters} and adds the updates to {@code step}. */
    public List<Tensor> minimize(Step.Builder step, Tensor loss, List<Tensor> parameters) {
        List<Tensor> grads = Autodiff.grad(loss, parameters);
        apply(step, parameters, grads);
        return grads;
    }

    /** Adds updates of {@code parameters} along {@code gradients} (one per parameter) to {@code step}. */
    public abstract void apply(Step.Builder step, List<Tensor> parameters, List<Tensor> gradients);

    String stateName(Tensor parameter, String what) {
        return prefix + "/" + parameter.name() + "/" + what;
    }

    private static final class Sgd extends Optimizer {
        private final double rate;
        private final Tensor rateTensor;
        private final double momentum;
        private final double decay;

        Sgd(String prefix, double rate, Tensor rateTensor, double momentum, double decay) {
            super(prefix);
            this.rate = rate;
            this.rateTensor = rateTensor;
            this.momentum = momentum;
            this.decay = decay;
        }

        @Override
        public void apply(Step.Builder step, List<Tensor> parameters, List<Tensor> gradients) {
            Graph g = step.graph();
            for (int i = 0; i < parameters.size(); i++) {
                Tensor w = parameters.get(i);
                Tensor grad = gradients.get(i);
                if (decay != 0) {
                    grad = g.add(grad, g.mul(w, decay));
                }
                Tensor direction = grad;
                if (momentum != 0) {
                    Tensor v = g.state(stateName(w, "velocity"), Init.zeros(), w.shape().dims());
                    direction = g.add(g.mul(v, momentum), grad);
                    step.assign(v, direction);
                }
                step.assign(w, g.sub(w, scale(g, direction, rate, rateTensor)));
            }
        }
    }

    private static final class Adam extends Optimizer {
        private final double rate;
        private final Tensor rateTensor;
        private final double beta1;
        private final double beta2;
        private final double epsilon;
        private final double decay;

        Adam(String prefix, double rate, Tensor rateTensor, double beta1, double beta2, double epsilon, double decay) {
            super(prefix);
            this.rate = rate;
            this.rateTensor = rateTensor;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
            this.decay = decay;
        }

        @Override
        public void apply(Step.Builder step, List<Tensor> parameters, List<Tensor> gradients) {
            Graph g = step.graph();
            // β^t kept as running products, so no power op is needed.
            Tensor p1 = g.state(prefix() + "/beta1_power", Init.constant(1));
            Tensor p2 = g.state(prefix() + "/beta2_power", Init.constant(1));
            Tensor p1n = g.mul(p1, beta1);
            Tensor p2n = g.mul(p2, beta2);
            step.assign(p1, p1n);
            step.assign(p2, p2n);
            // η · √(1−β2^t) / (1−β1^t) folds both bias corrections into one scalar step size.
            Tensor one = g.scalar(1);
            Tensor alpha = scale(g, g.div(g.sqrt(g.sub(one, p2n)), g.sub(one, p1n)), rate, rateTensor);
            Tensor epsHat = g.mul(g.sqrt(g.sub(one, p2n)), epsilon);
            List<Tensor> updates = new ArrayList<>();
            for (int i = 0; i < parameters.size(); i++) {
                Tensor w = parameters.get(i);
                Tensor grad = gradients.get(i);
                Tensor m = g.state(stateName(w, "m"), Init.zeros(), w.shape().dims());
                Tensor v = g.state(stateName(w, "v"), Init.zeros(), w.shape().dims());
                Tensor mn = g.add(g.mul(m, beta1), g.mul(grad, 1 - beta1));
                Tensor vn = g.add(g.mul(v, beta2), g.mul(g.mul(grad, grad), 1 - beta2));
                step.assign(m, mn);
                step.assign(v, vn);
                Tensor update = g.mul(g.div(mn, g.add(g.sqrt(vn), epsHat)), alpha);
                if (decay != 0) {
                    update = g.add(update, rateTensor == null ? g.mul(w, rate * decay) : scale(g, g.mul(w, decay), 0, rateTensor));
                }
                updates.add(update);
                step.assign(w, g.sub(w, update));
            }
        }
    }
}
