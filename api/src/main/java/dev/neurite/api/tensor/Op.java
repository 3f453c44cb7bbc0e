package dev.neurite.api.tensor;

/**
 * The primitive operations every backend implements. Everything else (normalizations,
 * losses, optimizers, derivatives) is composed from these in this package. New primitives
 * are added as new constants; a backend that meets one it does not know refuses to compile
 * the step with a clear message.
 *
 * <p>Attributes live on the {@link Tensor} node: {@link Tensor#ints()} holds axes,
 * permutations and slice bounds, {@link Tensor#reals()} distribution parameters and
 * {@link Tensor#seed()} random seeds, as each constant's documentation says.
 */
public enum Op {
    // Leaves
    /** A value fed before each run; {@link Tensor#name()} is its feed name. */
    INPUT,
    /** A variable held by the backend between runs: trainable parameters and optimizer state. */
    VARIABLE,
    /** A value fixed when the graph is built ({@link Tensor#constantValues()}). */
    CONSTANT,

    // Linear algebra
    /** {@code op(a) · op(b)} of two matrices; ints = {transposeA, transposeB} as 0/1. */
    MATMUL,

    // Unary, element-wise
    NEG, ABS, SIGN, EXP, LOG, SQRT, RECIPROCAL, RELU, SIGMOID, TANH,
    /** The identity whose derivative is zero: cuts a path out of differentiation. */
    STOP_GRADIENT,

    // Binary, element-wise with broadcasting
    ADD, SUB, MUL, DIV, MAX, MIN,
    /** 1 where {@code a < b}, else 0. */
    LESS,
    /** 1 where {@code a <= b}, else 0. */
    LESS_EQUAL,
    /** 1 where {@code a == b}, else 0. */
    EQUAL,
    /** {@code mask != 0 ? a : b}, broadcasting all three. */
    WHERE,

    // Reductions; ints = {axis, keepDims as 0/1}
    SUM, MAX_REDUCE,
    /** Index of the largest element along ints[0] (the first one on ties), as a value. */
    ARGMAX,

    // Movement
    /** Same elements, new shape. */
    RESHAPE,
    /** Permutes axes; ints = the permutation (output axis i is input axis ints[i]). */
    TRANSPOSE,
    /** Elements {@code [start, end)} along one axis; ints = {axis, start, end}. */
    SLICE,
    /** Joins the inputs along ints[0]. */
    CONCAT,
    /** Repeats size-1 (or missing leading) dimensions to the node's shape. */
    BROADCAST,

    // Indexing
    /** Rows of a table: out[i, ...] = table[index[i], ...]; indices are integral values. */
    GATHER,
    /** out[i, c] = (index[i] == c); ints = {depth}. */
    ONE_HOT,

    // Random, counter-based: a new draw each run, fixed by seed and run count
    /** Uniform in {@code [reals[0], reals[1])}. */
    RANDOM_UNIFORM,
    /** Normal with mean reals[0] and standard deviation reals[1]. */
    RANDOM_NORMAL,
    /** 1 with probability reals[0], else 0. */
    RANDOM_BERNOULLI;

    /** Whether the op is a leaf (no inputs). */
    public boolean isLeaf() {
        return this == INPUT || this == VARIABLE || this == CONSTANT;
    }

    /** Whether the op draws random numbers. */
    public boolean isRandom() {
        return this == RANDOM_UNIFORM || this == RANDOM_NORMAL || this == RANDOM_BERNOULLI;
    }

    /** Whether the op is an element-wise function of one input. */
    public boolean isUnary() {
        return ordinal() >= NEG.ordinal() && ordinal() <= STOP_GRADIENT.ordinal();
    }

    /** Whether the op is an element-wise, broadcasting function of two inputs. */
    public boolean isBinary() {
        return ordinal() >= ADD.ordinal() && ordinal() <= EQUAL.ordinal();
    }

    /** Whether the op's result is a 0/1 mask or an index, which has no derivative. */
    public boolean isDiscrete() {
        return this == SIGN || this == LESS || this == LESS_EQUAL || this == EQUAL || this == ARGMAX
                || this == ONE_HOT || isRandom();
    }
}
