package dev.neurite.api.tensor;

import java.util.List;

/**
 * A symbolic value in a {@link Graph}: the result of one primitive {@link Op} applied to
 * other tensors of the same graph. Nodes are immutable and numbered in creation order, which
 * is a topological order. A tensor holds no data; a backend computes it when a compiled
 * {@link Step} runs.
 */
public final class Tensor {

    private final Graph graph;
    private final int id;
    private final Op op;
    private final List<Tensor> inputs;
    private final Shape shape;
    private final DType dtype;
    private final int[] ints;
    private final double[] reals;
    private final long seed;
    private final String name;
    private final Init init;
    private final boolean trainable;

    Tensor(Graph graph, int id, Op op, List<Tensor> inputs, Shape shape, DType dtype, int[] ints, double[] reals,
           long seed, String name, Init init, boolean trainable) {
        this.graph = graph;
        this.id = id;
        this.op = op;
        this.inputs = List.copyOf(inputs);
        this.shape = shape;
        this.dtype = dtype;
        this.ints = ints == null ? new int[0] : ints.clone();
        this.reals = reals == null ? new double[0] : reals.clone();
        this.seed = seed;
        this.name = name;
        this.init = init;
        this.trainable = trainable;
    }

    /** The graph the tensor belongs to. */
    public Graph graph() {
        return graph;
    }

    /** Creation number within the graph; inputs always have smaller ids. */
    public int id() {
        return id;
    }

    /** The primitive that computes it. */
    public Op op() {
        return op;
    }

    /** Operands, in the op's order. */
    public List<Tensor> inputs() {
        return inputs;
    }

    /** Operand {@code i}. */
    public Tensor input(int i) {
        return inputs.get(i);
    }

    /** Dimensions. */
    public Shape shape() {
        return shape;
    }

    /** Element type. */
    public DType dtype() {
        return dtype;
    }

    /** Element layout; {@link Layout#DENSE} for every tensor today. */
    public Layout layout() {
        return Layout.DENSE;
    }

    /** Integer attributes (see {@link Op}), copied. */
    public int[] ints() {
        return ints.clone();
    }

    /** Integer attribute {@code i}. */
    public int ints(int i) {
        return ints[i];
    }

    /** Real attributes (see {@link Op}), copied. */
    public double[] reals() {
        return reals.clone();
    }

    /** Real attribute {@code i}. */
    public double reals(int i) {
        return reals[i];
    }

    /** Seed of a random op, 0 otherwise. */
    public long seed() {
        return seed;
    }

    /** Feed name of an input or name of a variable; null for other nodes. */
    public String name() {
        return name;
    }

    /** Starting values of a variable, or the values of a constant; null for other nodes. */
    public Init init() {
        return init;
    }

    /** The values of a constant node. */
    public float[] constantValues() {
        if (op != Op.CONSTANT) {
            throw new IllegalStateException("not a constant: " + this);
        }
        return init.values(shape.size());
    }

    /** Whether this is a variable that optimizers update from gradients (a model parameter). */
    public boolean trainable() {
        return trainable;
    }

    /** Number of elements. */
    public int size() {
        return shape.size();
    }

    @Override
    public String toString() {
        return "%" + id + "=" + op.name().toLowerCase() + (name == null ? "" : "(" + name + ")") + shape
                + (dtype == DType.F32 ? "" : ":" + dtype);
    }
}
