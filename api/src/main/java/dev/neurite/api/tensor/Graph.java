package dev.neurite.api.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a computation from primitive ops: inputs, variables, constants and the operations
 * over them. Each method checks shapes and returns the new symbolic {@link Tensor}; nothing
 * is computed until a backend compiles a {@link Step} of the graph. A graph is built by one
 * thread and should not change once steps of it are compiled (later additions are harmless
 * but invisible to compiled steps).
 *
 * <p>Index-valued tensors (labels for {@link #gather}/{@link #oneHot}, results of
 * {@link #argmax}) are F32 holding integers until integer kernels arrive; those ops will then
 * accept I32 as well.
 */
public final class Graph {

    private final List<Tensor> nodes = new ArrayList<>();
    private final Map<String, Tensor> inputs = new LinkedHashMap<>();
    private final Map<String, Tensor> variables = new LinkedHashMap<>();

    /** All nodes in creation (topological) order. */
    public List<Tensor> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Inputs by feed name. */
    public Map<String, Tensor> inputs() {
        return Collections.unmodifiableMap(inputs);
    }

    /** Variables by name, in creation order. */
    public Map<String, Tensor> variables() {
        return Collections.unmodifiableMap(variables);
    }

    /** Trainable variables (model parameters), in creation order. */
    public List<Tensor> parameters() {
        return variables.values().stream().filter(Tensor::trainable).toList();
    }

    /** Starts a step of this graph. */
    public Step.Builder step() {
        return new Step.Builder(this);
    }

    private Tensor add(Op op, List<Tensor> in, Shape shape, int[] ints, double[] reals, long seed, String name,
                       Init init, boolean trainable) {
        for (Tensor t : in) {
            if (t.graph() != this) {
                throw new IllegalArgumentException(t + " belongs to another graph");
            }
            if (t.dtype() != DType.F32) {
                throw new IllegalArgumentException(op + " takes F32 operands today, got " + t);
            }
        }
        Tensor t = new Tensor(this, nodes.size(), op, in, shape, DType.F32, ints, reals, seed, name, init, trainable);
        nodes.add(t);
        return t;
    }

    private Tensor add(Op op, Shape shape, int[] ints, Tensor... in) {
        return add(op, List.of(in), shape, ints, null, 0, null, null, false);
    }

    // ----------------------------------------------------------------------------- leaves

    /** An F32 value fed by name before each run. */
    public Tensor input(String name, int... dims) {
        if (inputs.containsKey(name)) {
            throw new IllegalArgumentException("input " + name + " already exists");
        }
        Tensor t = add(Op.INPUT, List.of(), Shape.of(dims), null, null, 0, name, null, false);
        inputs.put(name, t);
        return t;
    }

    /** A trainable variable: a model parameter that optimizers update. */
    public Tensor parameter(String name, Init init, int... dims) {
        return variable(name, init, true, dims);
    }

    /** A non-trainable variable, for example optimizer state or a running statistic. */
    public Tensor state(String name, Init init, int... dims) {
        return variable(name, init, false, dims);
    }

    private Tensor variable(String name, Init init, boolean trainable, int... dims) {
        if (variables.containsKey(name)) {
            throw new IllegalArgumentException("variable " + name + " already exists");
        }
        Tensor t = add(Op.VARIABLE, List.of(), Shape.of(dims), null, null, 0, name, init, trainable);
        variables.put(name, t);
        return t;
    }

    /** A constant tensor with the given values, row-major. */
    public Tensor constant(float[] values, int... dims) {
        Shape shape = Shape.of(dims);
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(values.length + " values for shape " + shape);
        }
        return add(Op.CONSTANT, List.of(), shape, null, null, 0, null, Init.values(values), false);
    }

    /** A scalar constant. */
    public Tensor scalar(double value) {
        return add(Op.CONSTANT, List.of(), Shape.scalar(), null, null, 0, null, Init.constant(value), false);
    }

    /** A tensor of the given shape with every element {@code value}. */
    public Tensor fill(double value, Shape shape) {
        return add(Op.CONSTANT, List.of(), shape, null, null, 0, null, Init.constant(value), false);
    }

    /** Zeros shaped like {@code like}. */
    public Tensor zerosLike(Tensor like) {
        return fill(0, like.shape());
    }

    // ----------------------------------------------------------------------------- matmul

    /** {@code a · b} of two matrices. */
    public Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, b, false, false);
    }

    /** {@code op(a) · op(b)} where op transposes when asked. */
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        if (a.shape().rank() != 2 || b.shape().rank() != 2) {
            throw new IllegalArgumentException("matmul takes matrices, got " + a + " and " + b);
        }
        int m = a.shape().dim(transposeA ? 1 : 0);
        int ka = a.shape().dim(transposeA ? 0 : 1);
        int kb = b.shape().dim(transposeB ? 1 : 0);
        int n = b.shape().dim(transposeB ? 0 : 1);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul inner dimensions differ: " + a + (transposeA ? "ᵀ" : "")
                    + " · " + b + (transposeB ? "ᵀ" : ""));
        }
        return add(Op.MATMUL, Shape.of(m, n), new int[] {transposeA ? 1 : 0, transposeB ? 1 : 0}, a, b);
    }

    // ----------------------------------------------------------------------------- unary

    private Tensor unary(Op op, Tensor x) {
        return add(op, x.shape(), null, x);
    }

    public Tensor neg(Tensor x) {
        return unary(Op.NEG, x);
    }

    public Tensor abs(Tensor x) {
        return unary(Op.ABS, x);
    }

    /** -1, 0 or 1. */
    public Tensor sign(Tensor x) {
        return unary(Op.SIGN, x);
    }

    public Tensor exp(Tensor x) {
        return unary(Op.EXP, x);
    }

    public Tensor log(Tensor x) {
        return unary(Op.LOG, x);
    }

    public Tensor sqrt(Tensor x) {
        return unary(Op.SQRT, x);
    }

    public Tensor reciprocal(Tensor x) {
        return unary(Op.RECIPROCAL, x);
    }

    public Tensor relu(Tensor x) {
        return unary(Op.RELU, x);
    }

    public Tensor sigmoid(Tensor x) {
        return unary(Op.SIGMOID, x);
    }

    public Tensor tanh(Tensor x) {
        return unary(Op.TANH, x);
    }

    /** {@code x} itself, with no derivative flowing through. */
    public Tensor stopGradient(Tensor x) {
        return unary(Op.STOP_GRADIENT, x);
    }

    // ----------------------------------------------------------------------------- binary

    private Tensor binary(Op op, Tensor a, Tensor b) {
        return add(op, Shape.broadcast(a.shape(), b.shape()), null, a, b);
    }

    public Tensor add(Tensor a, Tensor b) {
        return binary(Op.ADD, a, b);
    }

    public Tensor sub(Tensor a, Tensor b) {
        return binary(Op.SUB, a, b);
    }

    public Tensor mul(Tensor a, Tensor b) {
        return binary(Op.MUL, a, b);
    }

    public Tensor div(Tensor a, Tensor b) {
        return binary(Op.DIV, a, b);
    }

    public Tensor max(Tensor a, Tensor b) {
        return binary(Op.MAX, a, b);
    }

    public Tensor min(Tensor a, Tensor b) {
        return binary(Op.MIN, a, b);
    }

    public Tensor add(Tensor a, double b) {
        return add(a, scalar(b));
    }

    public Tensor sub(Tensor a, double b) {
        return sub(a, scalar(b));
    }

    public Tensor mul(Tensor a, double b) {
        return mul(a, scalar(b));
    }

    public Tensor div(Tensor a, double b) {
        return div(a, scalar(b));
    }

    public Tensor max(Tensor a, double b) {
        return max(a, scalar(b));
    }

    /** 1 where {@code a < b}. */
    public Tensor less(Tensor a, Tensor b) {
        return binary(Op.LESS, a, b);
    }

    /** 1 where {@code a <= b}. */
    public Tensor lessEqual(Tensor a, Tensor b) {
        return binary(Op.LESS_EQUAL, a, b);
    }

    /** 1 where {@code a > b}. */
    public Tensor greater(Tensor a, Tensor b) {
        return binary(Op.LESS, b, a);
    }

    /** 1 where {@code a >= b}. */
    public Tensor greaterEqual(Tensor a, Tensor b) {
        return binary(Op.LESS_EQUAL, b, a);
    }

    /** 1 where {@code a == b}. */
    public Tensor equal(Tensor a, Tensor b) {
        return binary(Op.EQUAL, a, b);
    }

    /** {@code mask != 0 ? a : b}, broadcasting all three. */
    public Tensor where(Tensor mask, Tensor a, Tensor b) {
        Shape shape = Shape.broadcast(Shape.broadcast(mask.shape(), a.shape()), b.shape());
        return add(Op.WHERE, shape, null, mask, a, b);
    }

    // ----------------------------------------------------------------------------- reductions

    private Tensor reduce(Op op, Tensor x, int axis, boolean keepDims) {
        int a = x.shape().axis(axis);
        Shape shape = keepDims ? x.shape().with(a, 1) : x.shape().without(a);
        return add(op, shape, new int[] {a, keepDims ? 1 : 0}, x);
    }

    /** Sum along {@code axis}. */
    public Tensor sum(Tensor x, int axis, boolean keepDims) {
        return reduce(Op.SUM, x, axis, keepDims);
    }

    /** Sum along {@code axis}, dropping it. */
    public Tensor sum(Tensor x, int axis) {
        return sum(x, axis, false);
    }

    /** Sum of all elements, as a scalar. */
    public Tensor sumAll(Tensor x) {
        return sum(reshape(x, x.size()), 0, false);
    }

    /** Mean along {@code axis}. */
    public Tensor mean(Tensor x, int axis, boolean keepDims) {
        return div(sum(x, axis, keepDims), x.shape().dim(axis));
    }

    /** Mean of all elements, as a scalar. */
    public Tensor meanAll(Tensor x) {
        return div(sumAll(x), x.size());
    }

    /** Largest element along {@code axis}. */
    public Tensor max(Tensor x, int axis, boolean keepDims) {
        return reduce(Op.MAX_REDUCE, x, axis, keepDims);
    }

    /** Index of the largest element along {@code axis}, which is dropped. */
    public Tensor argmax(Tensor x, int axis) {
        int a = x.shape().axis(axis);
        return add(Op.ARGMAX, x.shape().without(a), new int[] {a}, x);
    }

    // ----------------------------------------------------------------------------- movement

    /** The same elements in a new shape; one dimension may be -1 (inferred). */
    public Tensor reshape(Tensor x, int... dims) {
        int[] d = dims.clone();
        int unknown = -1;
        int known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("more than one -1 in " + Arrays.toString(dims));
                }
                unknown = i;
            } else {
                known *= d[i];
            }
        }
        if (unknown >= 0 && known > 0) {
            d[unknown] = x.size() / known;
        }
        Shape shape = Shape.of(d);
        if (shape.size() != x.size()) {
            throw new IllegalArgumentException("cannot reshape " + x + " to " + Arrays.toString(dims));
        }
        return add(Op.RESHAPE, shape, null, x);
    }

    /** Permutes the axes: output axis i is input axis {@code permutation[i]}. */
    public Tensor transpose(Tensor x, int... permutation) {
        int rank = x.shape().rank();
        if (permutation.length != rank) {
            throw new IllegalArgumentException("permutation " + Arrays.toString(permutation) + " for " + x);
        }
        boolean[] seen = new boolean[rank];
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            int p = permutation[i];
            if (p < 0 || p >= rank || seen[p]) {
                throw new IllegalArgumentException("not a permutation: " + Arrays.toString(permutation));
            }
            seen[p] = true;
            d[i] = x.shape().dim(p);
        }
        return add(Op.TRANSPOSE, Shape.of(d), permutation.clone(), x);
    }

    /** The transpose of a matrix. */
    public Tensor transpose(Tensor x) {
        return transpose(x, 1, 0);
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Tensor slice(Tensor x, int axis, int start, int end) {
        int a = x.shape().axis(axis);
        if (start < 0 || end > x.shape().dim(a) || start > end) {
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") out of " + x + " axis " + a);
        }
        return add(Op.SLICE, x.shape().with(a, end - start), new int[] {a, start, end}, x);
    }

    /** Joins tensors along {@code axis}; other dimensions must agree. */
    public Tensor concat(int axis, Tensor... parts) {
        return concat(axis, List.of(parts));
    }

    /** Joins tensors along {@code axis}; other dimensions must agree. */
    public Tensor concat(int axis, List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        Shape first = parts.get(0).shape();
        int a = first.axis(axis);
        int total = 0;
        for (Tensor t : parts) {
            if (!t.shape().with(a, 1).equals(first.with(a, 1))) {
                throw new IllegalArgumentException("cannot concatenate " + parts + " along " + a);
            }
            total += t.shape().dim(a);
        }
        return add(Op.CONCAT, parts, first.with(a, total), new int[] {a}, null, 0, null, null, false);
    }

    /** Repeats size-1 and missing leading dimensions of {@code x} to {@code dims}. */
    public Tensor broadcast(Tensor x, int... dims) {
        return broadcast(x, Shape.of(dims));
    }

    /** Repeats size-1 and missing leading dimensions of {@code x} to {@code shape}. */
    public Tensor broadcast(Tensor x, Shape shape) {
        if (!x.shape().broadcastsTo(shape)) {
            throw new IllegalArgumentException(x + " does not broadcast to " + shape);
        }
        if (x.shape().equals(shape)) {
            return x;
        }
        return add(Op.BROADCAST, shape, null, x);
    }

    // ----------------------------------------------------------------------------- indexing

    /** Rows of {@code table} picked by the integral values of the rank-1 {@code indices}. */
    public Tensor gather(Tensor table, Tensor indices) {
        if (indices.shape().rank() != 1 || table.shape().rank() < 1) {
            throw new IllegalArgumentException("gather needs a table and a rank-1 index, got " + table + ", " + indices);
        }
        return add(Op.GATHER, table.shape().with(0, indices.shape().dim(0)), null, table, indices);
    }

    /** {@code [n, depth]} rows with a 1 at each rank-1 index's value. */
    public Tensor oneHot(Tensor indices, int depth) {
        if (indices.shape().rank() != 1 || depth <= 0) {
            throw new IllegalArgumentException("oneHot needs a rank-1 index and a positive depth");
        }
        return add(Op.ONE_HOT, Shape.of(indices.shape().dim(0), depth), new int[] {depth}, indices);
    }

    // ----------------------------------------------------------------------------- random

    private Tensor random(Op op, long seed, double[] reals, int... dims) {
        return add(op, List.of(), Shape.of(dims), null, reals, seed, null, null, false);
    }

    /** Fresh uniform values in {@code [low, high)} each run. */
    public Tensor randomUniform(long seed, double low, double high, int... dims) {
        return random(Op.RANDOM_UNIFORM, seed, new double[] {low, high}, dims);
    }

    /** Fresh normal values each run. */
    public Tensor randomNormal(long seed, double mean, double std, int... dims) {
        return random(Op.RANDOM_NORMAL, seed, new double[] {mean, std}, dims);
    }

    /** Fresh 0/1 values, 1 with probability {@code p}, each run. */
    public Tensor bernoulli(long seed, double p, int... dims) {
        return random(Op.RANDOM_BERNOULLI, seed, new double[] {p}, dims);
    }
}
