package dev.neurite.api.tensor;

/**
 * Composite functions built once from primitives, in their numerically stable forms. Every
 * backend runs them, and their derivatives follow from the primitives' rules.
 */
public final class Functions {

    private Functions() {
    }

    /** {@code log(1 + exp(x))} as {@code max(x, 0) + log(1 + exp(-|x|))}, finite for any x. */
    public static Tensor softplus(Tensor x) {
        Graph g = x.graph();
        return g.add(g.max(x, 0), g.log(g.add(g.exp(g.neg(g.abs(x))), 1)));
    }

    /** {@code x - log Σ exp(x)} along {@code axis}, with the maximum subtracted first. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        Graph g = x.graph();
        // The shift cancels in value and in derivative, so it needs no derivative of its own.
        Tensor shifted = g.sub(x, g.stopGradient(g.max(x, axis, true)));
        return g.sub(shifted, g.log(g.sum(g.exp(shifted), axis, true)));
    }

    /** Softmax along {@code axis}. */
    public static Tensor softmax(Tensor x, int axis) {
        return x.graph().exp(logSoftmax(x, axis));
    }

    /**
     * Mean softmax cross-entropy of {@code [n, classes]} logits against targets given as rows
     * of class probabilities (one-hot for hard labels).
     */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor targets) {
        Graph g = logits.graph();
        Tensor perExample = g.neg(g.sum(g.mul(targets, logSoftmax(logits, 1)), 1));
        return g.meanAll(perExample);
    }

    /** Mean softmax cross-entropy against integral class labels {@code [n]}. */
    public static Tensor softmaxCrossEntropyWithLabels(Tensor logits, Tensor labels) {
        return softmaxCrossEntropy(logits, logits.graph().oneHot(labels, logits.shape().dim(1)));
    }

    /** {@code (x - mean) / sqrt(var + eps)} along {@code axis} (no gain or bias). */
    public static Tensor layerNorm(Tensor x, int axis, double eps) {
        Graph g = x.graph();
        Tensor centred = g.sub(x, g.mean(x, axis, true));
        Tensor variance = g.mean(g.mul(centred, centred), axis, true);
        return g.div(centred, g.sqrt(g.add(variance, eps)));
    }

    /** {@code x / (‖x‖ + eps)} along {@code axis}: direction kept, length removed. */
    public static Tensor lengthNormalize(Tensor x, int axis, double eps) {
        Graph g = x.graph();
        Tensor length = g.sqrt(g.sum(g.mul(x, x), axis, true));
        return g.div(x, g.add(length, eps));
    }

    /** Sum of squares along {@code axis} (a layer's "goodness" in forward-forward terms). */
    public static Tensor sumOfSquares(Tensor x, int axis) {
        Graph g = x.graph();
        return g.sum(g.mul(x, x), axis);
    }

    /** {@code x · w + b} for a batch {@code x [n, in]}, {@code w [in, out]}, {@code b [out]}. */
    public static Tensor dense(Tensor x, Tensor w, Tensor b) {
        Graph g = x.graph();
        Tensor y = g.matmul(x, w);
        return b == null ? y : g.add(y, b);
    }

    /** Fraction of rows whose largest logit is at the label. */
    public static Tensor accuracy(Tensor logits, Tensor labels) {
        Graph g = logits.graph();
        return g.meanAll(g.equal(g.argmax(logits, 1), labels));
    }
}
