package dev.neurite.api.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The derivative rules of every primitive, in one place: {@link #vjp} (reverse mode: pull an
 * output cotangent back to each input) and {@link #jvp} (forward mode: push input tangents to
 * the output). Rules build graph nodes from primitives, so derivatives compile and run on any
 * backend, and derivatives of derivatives work the same way. A null cotangent or tangent
 * means zero.
 */
final class Derivatives {

    private Derivatives() {
    }

    /**
     * Cotangents of {@code node}'s inputs given the cotangent {@code g} of its output; an entry
     * is null where the input gets no derivative.
     */
    static List<Tensor> vjp(Tensor node, Tensor g) {
        Graph gr = node.graph();
        List<Tensor> in = node.inputs();
        Tensor a = in.isEmpty() ? null : in.get(0);
        Tensor b = in.size() > 1 ? in.get(1) : null;
        List<Tensor> out = new ArrayList<>();
        switch (node.op()) {
            case INPUT, VARIABLE, CONSTANT, RANDOM_UNIFORM, RANDOM_NORMAL, RANDOM_BERNOULLI -> {
            }
            case MATMUL -> {
                boolean ta = node.ints(0) == 1;
                boolean tb = node.ints(1) == 1;
                // C = op(A) op(B): dop(A) = G op(B)ᵀ, dop(B) = op(A)ᵀ G, then undo the transposes.
                out.add(ta ? gr.matmul(b, g, tb, true) : gr.matmul(g, b, false, !tb));
                out.add(tb ? gr.matmul(g, a, true, ta) : gr.matmul(a, g, !ta, false));
            }
            case NEG -> out.add(gr.neg(g));
            case ABS -> out.add(gr.mul(g, gr.sign(a)));
            case SIGN, STOP_GRADIENT, LESS, LESS_EQUAL, EQUAL, ARGMAX, ONE_HOT -> {
                for (int i = 0; i < in.size(); i++) {
                    out.add(null);
                }
            }
            case EXP -> out.add(gr.mul(g, node));
            case LOG -> out.add(gr.div(g, a));
            case SQRT -> out.add(gr.div(gr.mul(g, 0.5), node));
            case RECIPROCAL -> out.add(gr.neg(gr.mul(g, gr.mul(node, node))));
            case RELU -> out.add(gr.mul(g, gr.less(gr.scalar(0), a)));
            case SIGMOID -> out.add(gr.mul(g, gr.mul(node, gr.sub(gr.scalar(1), node))));
            case TANH -> out.add(gr.mul(g, gr.sub(gr.scalar(1), gr.mul(node, node))));
            case ADD -> {
                out.add(unbroadcast(g, a.shape()));
                out.add(unbroadcast(g, b.shape()));
            }
            case SUB -> {
                out.add(unbroadcast(g, a.shape()));
                out.add(unbroadcast(gr.neg(g), b.shape()));
            }
            case MUL -> {
                out.add(unbroadcast(gr.mul(g, b), a.shape()));
                out.add(unbroadcast(gr.mul(g, a), b.shape()));
            }
            case DIV -> {
                out.add(unbroadcast(gr.div(g, b), a.shape()));
                out.add(unbroadcast(gr.neg(gr.div(gr.mul(g, node), b)), b.shape()));
            }
            case MAX, MIN -> {
                // Ties go to the first operand, so the two parts always add up to g.
                Tensor first = node.op() == Op.MAX ? gr.lessEqual(b, a) : gr.lessEqual(a, b);
                Tensor ga = gr.mul(g, first);
                out.add(unbroadcast(ga, a.shape()));
                out.add(unbroadcast(gr.sub(g, ga), b.shape()));
            }
            case WHERE -> {
                Tensor zero = gr.scalar(0);
                out.add(null);
                out.add(unbroadcast(gr.where(a, g, zero), b.shape()));
                out.add(unbroadcast(gr.where(a, zero, g), in.get(2).shape()));
            }
            case SUM -> out.add(gr.broadcast(keepDims(g, node), a.shape()));
            case MAX_REDUCE -> {
                // Split among ties so the derivative stays a proper average of subgradients.
                Tensor mask = gr.equal(a, keepDims(node, node));
                Tensor share = gr.div(mask, gr.sum(mask, node.ints(0), true));
                out.add(gr.mul(share, keepDims(g, node)));
            }
            case RESHAPE -> out.add(gr.reshape(g, a.shape().dims()));
            case TRANSPOSE -> {
                int[] p = node.ints();
                int[] inverse = new int[p.length];
                for (int i = 0; i < p.length; i++) {
                    inverse[p[i]] = i;
                }
                out.add(gr.transpose(g, inverse));
            }
            case SLICE -> {
                int axis = node.ints(0);
                int start = node.ints(1);
                int end = node.ints(2);
                int length = a.shape().dim(axis);
                List<Tensor> parts = new ArrayList<>();
                if (start > 0) {
                    parts.add(gr.fill(0, a.shape().with(axis, start)));
                }
                parts.add(g);
                if (end < length) {
                    parts.add(gr.fill(0, a.shape().with(axis, length - end)));
                }
                out.add(parts.size() == 1 ? g : gr.concat(axis, parts));
            }
            case CONCAT -> {
                int axis = node.ints(0);
                int offset = 0;
                for (Tensor part : in) {
                    int n = part.shape().dim(axis);
                    out.add(gr.slice(g, axis, offset, offset + n));
                    offset += n;
                }
            }
            case BROADCAST -> out.add(unbroadcast(g, a.shape()));
            case GATHER -> {
                // d table = onehot(indices)ᵀ · G, over the table flattened to rows.
                int rows = a.shape().dim(0);
                int width = a.size() / Math.max(rows, 1);
                Tensor hot = gr.oneHot(b, rows);
                Tensor g2 = gr.reshape(g, b.shape().dim(0), width);
                out.add(gr.reshape(gr.matmul(hot, g2, true, false), a.shape().dims()));
                out.add(null);
            }
            default -> throw new UnsupportedOperationException("no derivative rule for " + node.op());
        }
        return out;
    }

    /**
     * The tangent of {@code node} given its inputs' tangents (entries may be null for zero);
     * null when the output's tangent is zero.
     */
    static Tensor jvp(Tensor node, List<Tensor> t) {
        Graph gr = node.graph();
        List<Tensor> in = node.inputs();
        Tensor a = in.isEmpty() ? null : in.get(0);
        Tensor b = in.size() > 1 ? in.get(1) : null;
        Tensor ta = t.isEmpty() ? null : t.get(0);
        Tensor tb = t.size() > 1 ? t.get(1) : null;
        switch (node.op()) {
            case INPUT, VARIABLE, CONSTANT, RANDOM_UNIFORM, RANDOM_NORMAL, RANDOM_BERNOULLI, SIGN, STOP_GRADIENT,
                    LESS, LESS_EQUAL, EQUAL, ARGMAX, ONE_HOT -> {
                return null;
            }
            case MATMUL -> {
                boolean tA = node.ints(0) == 1;
                boolean tB = node.ints(1) == 1;
                Tensor x = ta == null ? null : gr.matmul(ta, b, tA, tB);
                Tensor y = tb == null ? null : gr.matmul(a, tb, tA, tB);
                return sum(gr, x, y);
            }
            case NEG -> {
                return ta == null ? null : gr.neg(ta);
            }
            case ABS -> {
                return ta == null ? null : gr.mul(ta, gr.sign(a));
            }
            case EXP -> {
                return ta == null ? null : gr.mul(ta, node);
            }
            case LOG -> {
                return ta == null ? null : gr.div(ta, a);
            }
            case SQRT -> {
                return ta == null ? null : gr.div(gr.mul(ta, 0.5), node);
            }
            case RECIPROCAL -> {
                return ta == null ? null : gr.neg(gr.mul(ta, gr.mul(node, node)));
            }
            case RELU -> {
                return ta == null ? null : gr.mul(ta, gr.less(gr.scalar(0), a));
            }
            case SIGMOID -> {
                return ta == null ? null : gr.mul(ta, gr.mul(node, gr.sub(gr.scalar(1), node)));
            }
            case TANH -> {
                return ta == null ? null : gr.mul(ta, gr.sub(gr.scalar(1), gr.mul(node, node)));
            }
            case ADD -> {
                return widen(gr, sum(gr, ta, tb), node.shape());
            }
            case SUB -> {
                return widen(gr, ta == null ? (tb == null ? null : gr.neg(tb)) : tb == null ? ta : gr.sub(ta, tb),
                        node.shape());
            }
            case MUL -> {
                return widen(gr, sum(gr, ta == null ? null : gr.mul(ta, b), tb == null ? null : gr.mul(a, tb)),
                        node.shape());
            }
            case DIV -> {
                Tensor x = ta == null ? null : gr.div(ta, b);
                Tensor y = tb == null ? null : gr.neg(gr.div(gr.mul(tb, node), b));
                return widen(gr, sum(gr, x, y), node.shape());
            }
            case MAX, MIN -> {
                if (ta == null && tb == null) {
                    return null;
                }
                Tensor first = node.op() == Op.MAX ? gr.lessEqual(b, a) : gr.lessEqual(a, b);
                return gr.where(first, ta == null ? gr.scalar(0) : ta, tb == null ? gr.scalar(0) : tb);
            }
            case WHERE -> {
                Tensor tc = t.get(2);
                if (tb == null && tc == null) {
                    return null;
                }
                return gr.where(a, tb == null ? gr.scalar(0) : tb, tc == null ? gr.scalar(0) : tc);
            }
            case SUM -> {
                return ta == null ? null : gr.sum(ta, node.ints(0), node.ints(1) == 1);
            }
            case MAX_REDUCE -> {
                if (ta == null) {
                    return null;
                }
                int axis = node.ints(0);
                Tensor mask = gr.equal(a, keepDims(node, node));
                Tensor mean = gr.div(gr.sum(gr.mul(mask, ta), axis, true), gr.sum(mask, axis, true));
                return node.ints(1) == 1 ? mean : gr.reshape(mean, node.shape().dims());
            }
            case RESHAPE -> {
                return ta == null ? null : gr.reshape(ta, node.shape().dims());
            }
            case TRANSPOSE -> {
                return ta == null ? null : gr.transpose(ta, node.ints());
            }
            case SLICE -> {
                return ta == null ? null : gr.slice(ta, node.ints(0), node.ints(1), node.ints(2));
            }
            case CONCAT -> {
                boolean any = false;
                List<Tensor> parts = new ArrayList<>();
                for (int i = 0; i < in.size(); i++) {
                    Tensor ti = t.get(i);
                    any |= ti != null;
                    parts.add(ti == null ? gr.zerosLike(in.get(i)) : ti);
                }
                return any ? gr.concat(node.ints(0), parts) : null;
            }
            case BROADCAST -> {
                return ta == null ? null : gr.broadcast(ta, node.shape());
            }
            case GATHER -> {
                return ta == null ? null : gr.gather(ta, b);
            }
            default -> throw new UnsupportedOperationException("no derivative rule for " + node.op());
        }
    }

    /** Sums {@code g} down to {@code shape}, undoing a broadcast. */
    static Tensor unbroadcast(Tensor g, Shape shape) {
        Graph gr = g.graph();
        if (g.shape().equals(shape)) {
            return g;
        }
        Tensor x = g;
        while (x.shape().rank() > shape.rank()) {
            x = gr.sum(x, 0, false);
        }
        for (int i = 0; i < shape.rank(); i++) {
            if (shape.dim(i) == 1 && x.shape().dim(i) != 1) {
                x = gr.sum(x, i, true);
            }
        }
        return x.shape().equals(shape) ? x : gr.reshape(x, shape.dims());
    }

    /** A reduction's result with the reduced axis kept as size 1. */
    private static Tensor keepDims(Tensor t, Tensor reduction) {
        if (reduction.ints(1) == 1) {
            return t;
        }
        Shape kept = reduction.input(0).shape().with(reduction.ints(0), 1);
        return t.graph().reshape(t, kept.dims());
    }

    private static Tensor sum(Graph gr, Tensor x, Tensor y) {
        return x == null ? y : y == null ? x : gr.add(x, y);
    }

    private static Tensor widen(Graph gr, Tensor t, Shape shape) {
        return t == null || t.shape().equals(shape) ? t : gr.broadcast(t, shape);
    }
}
