package dev.neurite.tensorflow;

import dev.neurite.api.tensor.Op;
import dev.neurite.api.tensor.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Translates nodes of a tensor-API graph into TF ops, one TF op (or a cast around one) per
 * primitive, memoized by node. Leaves that hold state or come from outside (variables,
 * inputs, random draws) are produced by the caller's {@code leaves} function, so the same
 * translation serves a live instance (variables read from resources) and an export
 * (variables frozen into constants).
 */
final class Translator {

    private final Ops tf;
    private final Function<Tensor, Operand<TFloat32>> leaves;
    private final Map<Tensor, Operand<TFloat32>> done = new HashMap<>();

    Translator(Ops tf, Function<Tensor, Operand<TFloat32>> leaves) {
        this.tf = tf;
        this.leaves = leaves;
    }

    static Shape shape(dev.neurite.api.tensor.Shape s) {
        long[] d = new long[s.rank()];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.dim(i);
        }
        return Shape.of(d);
    }

    static Placeholder<TFloat32> placeholder(Ops tf, Tensor t) {
        return tf.placeholder(TFloat32.class, Placeholder.shape(shape(t.shape())));
    }

    /** The TF value of {@code t}, translating its inputs first (iteratively: graphs can be deep). */
    Operand<TFloat32> get(Tensor t) {
        Operand<TFloat32> known = done.get(t);
        if (known != null) {
            return known;
        }
        // Post-order over the untranslated part of the graph.
        List<Tensor> order = new ArrayList<>();
        ArrayList<Tensor> stack = new ArrayList<>();
        java.util.Set<Tensor> seen = new java.util.HashSet<>();
        stack.add(t);
        while (!stack.isEmpty()) {
            Tensor x = stack.get(stack.size() - 1);
            boolean ready = true;
            for (Tensor in : x.inputs()) {
                if (!done.containsKey(in) && !seen.contains(in)) {
                    stack.add(in);
                    ready = false;
                }
            }
            if (ready) {
                stack.remove(stack.size() - 1);
                if (seen.add(x)) {
                    order.add(x);
                }
            }
        }
        for (Tensor x : order) {
            if (!done.containsKey(x)) {
                done.put(x, translate(x));
            }
        }
        return done.get(t);
    }

    private Operand<TFloat32> in(Tensor t, int i) {
        return done.get(t.input(i));
    }

    private Operand<TFloat32> mask(Operand<?> bool) {
        return tf.dtypes.cast(bool, TFloat32.class);
    }

    private Operand<TInt32> indices(Operand<TFloat32> values) {
        return tf.dtypes.cast(values, TInt32.class);
    }

    private Operand<TFloat32> translate(Tensor t) {
        Op op = t.op();
        return switch (op) {
            case INPUT, VARIABLE -> leaves.apply(t);
            case CONSTANT -> tf.constant(shape(t.shape()), DataBuffers.of(t.init().values(t.size()), true, false));
            case MATMUL -> tf.linalg.matMul(in(t, 0), in(t, 1), MatMul.transposeA(t.ints(0) == 1),
                    MatMul.transposeB(t.ints(1) == 1));
            case NEG -> tf.math.neg(in(t, 0));
            case ABS -> tf.math.abs(in(t, 0));
            case SIGN -> tf.math.sign(in(t, 0));
            case EXP -> tf.math.exp(in(t, 0));
            case LOG -> tf.math.log(in(t, 0));
            case SQRT -> tf.math.sqrt(in(t, 0));
            case RECIPROCAL -> tf.math.reciprocal(in(t, 0));
            case RELU -> tf.nn.relu(in(t, 0));
            case SIGMOID -> tf.math.sigmoid(in(t, 0));
            case TANH -> tf.math.tanh(in(t, 0));
            case STOP_GRADIENT -> tf.stopGradient(in(t, 0));
            case ADD -> tf.math.add(in(t, 0), in(t, 1));
            case SUB -> tf.math.sub(in(t, 0), in(t, 1));
            case MUL -> tf.math.mul(in(t, 0), in(t, 1));
            case DIV -> tf.math.realDiv(in(t, 0), in(t, 1));
            case MAX -> tf.math.maximum(in(t, 0), in(t, 1));
            case MIN -> tf.math.minimum(in(t, 0), in(t, 1));
            case LESS -> mask(tf.math.less(in(t, 0), in(t, 1)));
            case LESS_EQUAL -> mask(tf.math.lessEqual(in(t, 0), in(t, 1)));
            case EQUAL -> mask(tf.math.equal(in(t, 0), in(t, 1)));
            case WHERE -> tf.select(tf.math.notEqual(in(t, 0), tf.constant(0f)), in(t, 1), in(t, 2));
            case SUM -> tf.sum(in(t, 0), tf.constant(t.ints(0)), Sum.keepDims(t.ints(1) == 1));
            case MAX_REDUCE -> tf.max(in(t, 0), tf.constant(t.ints(0)), Max.keepDims(t.ints(1) == 1));
            case ARGMAX -> tf.dtypes.cast(tf.math.argMax(in(t, 0), tf.constant(t.ints(0)), TInt32.class),
                    TFloat32.class);
            case RESHAPE -> tf.reshape(in(t, 0), tf.constant(t.shape().dims()));
            case TRANSPOSE -> tf.linalg.transpose(in(t, 0), tf.constant(t.ints()));
            case SLICE -> {
                int rank = t.shape().rank();
                int[] begin = new int[rank];
                int[] size = t.shape().dims().clone();
                begin[t.ints(0)] = t.ints(1);
                yield tf.slice(in(t, 0), tf.constant(begin), tf.constant(size));
            }
            case CONCAT -> {
                List<Operand<TFloat32>> parts = new ArrayList<>();
                for (int i = 0; i < t.inputs().size(); i++) {
                    parts.add(in(t, i));
                }
                yield tf.concat(parts, tf.constant(t.ints(0)));
            }
            case BROADCAST -> tf.broadcastTo(in(t, 0), tf.constant(t.shape().dims()));
            case GATHER -> tf.gather(in(t, 0), indices(in(t, 1)), tf.constant(0));
            case ONE_HOT -> tf.oneHot(indices(in(t, 0)), tf.constant(t.ints(0)), tf.constant(1f), tf.constant(0f));
            case RANDOM_UNIFORM, RANDOM_NORMAL, RANDOM_BERNOULLI -> leaves.apply(t);
            default -> throw new UnsupportedOperationException("the TensorFlow backend cannot translate " + op);
        };
    }
}
