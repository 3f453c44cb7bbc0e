package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.DType;
import dev.neurite.api.tensor.Op;
import dev.neurite.api.tensor.RandomDraws;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Shape;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;
import dev.neurite.runtime.compute.Kernels.Kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A step compiled into a plan: the nodes it needs in topological order, each bound to a
 * kernel over preallocated arrays. Buffers of nodes whose last reader has run are reused
 * for later nodes of the same size; reshapes and stop-gradients share their input's buffer.
 * Running the plan allocates nothing.
 */
final class JavaStep implements CompiledStep {

    private final JavaGraphInstance instance;
    private final Step step;
    private final boolean ownsInstance;
    private final Kernel[] kernels;
    private final Map<String, float[]> inputs = new HashMap<>();
    private final Map<String, float[]> outputs = new HashMap<>();
    private final float[][] commitFrom;
    private final float[][] commitTo;
    private final long bufferBytes;
    private long runs;
    private boolean closed;

    JavaStep(JavaGraphInstance instance, Step step, boolean ownsInstance) {
        this.instance = instance;
        this.step = step;
        this.ownsInstance = ownsInstance;
        WorkerPool pool = instance.backend().pool();
        boolean vector = instance.backend().vectorized();

        // Nodes the step needs, in id (topological) order.
        List<Tensor> all = step.graph().nodes();
        boolean[] needed = new boolean[all.size()];
        ArrayDeque<Tensor> todo = new ArrayDeque<>(step.outputs().values());
        todo.addAll(step.assignments().values());
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (!needed[t.id()]) {
                needed[t.id()] = true;
                todo.addAll(t.inputs());
            }
        }
        List<Tensor> order = new ArrayList<>();
        for (Tensor t : all) {
            if (needed[t.id()]) {
                if (t.dtype() != DType.F32) {
                    throw new UnsupportedOperationException("the Java backend computes F32 only: " + t);
                }
                order.add(t);
            }
        }

        // Buffer sharing: a view op reads and writes its input's buffer.
        int[] root = new int[all.size()];
        for (Tensor t : order) {
            root[t.id()] = isView(t) ? root[t.input(0).id()] : t.id();
        }
        // Last position at which each root buffer is read; kept buffers never die.
        int[] lastUse = new int[all.size()];
        boolean[] keep = new boolean[all.size()];
        for (int pos = 0; pos < order.size(); pos++) {
            Tensor t = order.get(pos);
            lastUse[root[t.id()]] = Math.max(lastUse[root[t.id()]], pos);
            for (Tensor x : t.inputs()) {
                lastUse[root[x.id()]] = Math.max(lastUse[root[x.id()]], pos);
            }
            if (t.op().isLeaf()) {
                keep[t.id()] = true;
            }
        }
        for (Tensor t : step.outputs().values()) {
            keep[root[t.id()]] = true;
        }
        for (Tensor t : step.assignments().values()) {
            keep[root[t.id()]] = true;
        }

        // Scratch arrays come from the instance and are shared with its other steps, which never
        // run at the same time: an instance's working set is its largest step's, not their sum.
        Set<Integer> outputRoots = new HashSet<>();
        for (Tensor t : step.outputs().values()) {
            outputRoots.add(root[t.id()]);
        }
        Map<Integer, Integer> scratchTaken = new HashMap<>();
        Map<Integer, float[]> buffers = new HashMap<>();
        TreeMap<Integer, ArrayDeque<float[]>> free = new TreeMap<>();
        List<Kernel> plan = new ArrayList<>();
        long bytes = 0;
        for (int pos = 0; pos < order.size(); pos++) {
            Tensor t = order.get(pos);
            float[] out;
            if (isView(t)) {
                out = buffers.get(t.input(0).id());
            } else {
                switch (t.op()) {
                    case VARIABLE -> out = instance.storage(t);
                    case INPUT -> {
                        out = new float[t.size()];
                        inputs.put(t.name(), out);
                    }
                    case CONSTANT -> out = t.init().values(t.size());
                    default -> {
                        boolean output = outputRoots.contains(t.id());
                        ArrayDeque<float[]> pool1 = output ? null : free.get(t.size());
                        out = pool1 == null || pool1.isEmpty() ? null : pool1.pop();
                        if (output) {
                            // Outputs are read after the run, perhaps after other steps ran: their own array.
                            out = new float[t.size()];
                            bytes += 4L * t.size();
                            instance.backend().countStepBuffer(4L * t.size());
                        } else if (out == null) {
                            out = instance.scratch(t.size(), scratchTaken.merge(t.size(), 1, Integer::sum) - 1);
                        }
                    }
                }
            }
            buffers.put(t.id(), out);
            if (!t.op().isLeaf() && !isView(t)) {
                plan.add(kernel(t, buffers, out, pool, vector));
            }
            // Release buffers whose last reader is this node (after the node got its own).
            for (Tensor x : t.inputs()) {
                int r = root[x.id()];
                if (lastUse[r] == pos && !keep[r]) {
                    keep[r] = true; // released once
                    free.computeIfAbsent(buffers.get(r).length, s -> new ArrayDeque<>()).push(buffers.get(r));
                }
            }
        }

        // Outputs and assigned values that live in a variable's array are copied first, so
        // that reading them after the commit, or committing several, sees start-of-run values.
        Map<Integer, float[]> snapshot = new LinkedHashMap<>();
        List<Tensor> both = new ArrayList<>(step.outputs().values());
        both.addAll(step.assignments().values());
        for (Tensor t : both) {
            Tensor r = all.get(root[t.id()]);
            if (r.op() == Op.VARIABLE && !snapshot.containsKey(t.id())) {
                float[] copy = new float[t.size()];
                bytes += 4L * t.size();
                instance.backend().countStepBuffer(4L * t.size());
                plan.add(new Kernels.Copy(buffers.get(t.id()), copy, t.size()));
                snapshot.put(t.id(), copy);
            }
        }
        step.outputs().forEach((name, t) -> outputs.put(name, snapshot.getOrDefault(t.id(), buffers.get(t.id()))));
        commitFrom = new float[step.assignments().size()][];
        commitTo = new float[commitFrom.length][];
        int i = 0;
        for (Map.Entry<Tensor, Tensor> e : step.assignments().entrySet()) {
            commitFrom[i] = snapshot.getOrDefault(e.getValue().id(), buffers.get(e.getValue().id()));
            commitTo[i] = instance.storage(e.getKey());
            i++;
        }
        kernels = plan.toArray(new Kernel[0]);
        bufferBytes = bytes;
    }

    private static boolean isView(Tensor t) {
        return t.op() == Op.RESHAPE || t.op() == Op.STOP_GRADIENT;
    }

    private Kernel kernel(Tensor t, Map<Integer, float[]> buffers, float[] out, WorkerPool pool, boolean vector) {
        Op op = t.op();
        List<Tensor> in = t.inputs();
        float[] a = in.isEmpty() ? null : buffers.get(in.get(0).id());
        float[] b = in.size() > 1 ? buffers.get(in.get(1).id()) : null;
        Shape as = in.isEmpty() ? null : in.get(0).shape();
        if (op.isUnary()) {
            return new Kernels.Unary(op, a, out, t.size(), pool);
        }
        if (op.isBinary()) {
            return new Kernels.Binary(op, a, as, b, in.get(1).shape(), out, t.shape(), pool);
        }
        if (op.isRandom()) {
            return new Kernels.Random(op, RandomDraws.nodeSeed(t), t.reals(), out, t.size(), this,
                    pool);
        }
        return switch (op) {
            case MATMUL -> {
                boolean ta = t.ints(0) == 1;
                boolean tb = t.ints(1) == 1;
                int m = t.shape().dim(0);
                int n = t.shape().dim(1);
                int k = as.dim(ta ? 0 : 1);
                yield new Kernels.MatMul(Gemm.create(vector, pool.threads(), a, b, out, m, n, k, ta, tb), pool);
            }
            case WHERE -> new Kernels.Where(a, as, b, in.get(1).shape(), buffers.get(in.get(2).id()),
                    in.get(2).shape(), out, t.shape(), pool);
            case SUM, MAX_REDUCE, ARGMAX -> new Kernels.Reduce(op, a, as, t.ints(0), out, pool);
            case TRANSPOSE -> new Kernels.Transpose(a, as, t.ints(), out, t.shape(), pool);
            case SLICE -> new Kernels.Slice(a, as, t.ints(0), t.ints(1), t.ints(2), out);
            case CONCAT -> {
                float[][] parts = new float[in.size()][];
                Shape[] shapes = new Shape[in.size()];
                for (int p = 0; p < in.size(); p++) {
                    parts[p] = buffers.get(in.get(p).id());
                    shapes[p] = in.get(p).shape();
                }
                yield new Kernels.Concat(parts, shapes, t.ints(0), out, t.shape());
            }
            case BROADCAST -> new Kernels.Expand(a, as, out, t.shape(), pool);
            case GATHER -> new Kernels.Gather(a, as, b, in.get(1).size(), out);
            case ONE_HOT -> new Kernels.OneHot(a, as.dim(0), t.ints(0), out);
            default -> throw new UnsupportedOperationException("the Java backend has no kernel for " + op);
        };
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the compiled step is closed");
        }
        instance.checkOpen();
    }

    @Override
    public Step step() {
        return step;
    }

    @Override
    public GraphInstance instance() {
        return instance;
    }

    @Override
    public void setInput(String name, float[] values) {
        float[] buffer = inputs.get(name);
        if (buffer == null) {
            if (step.graph().inputs().containsKey(name)) {
                return; // an input this step does not read
            }
            throw new IllegalArgumentException("no input " + name);
        }
        if (values.length != buffer.length) {
            throw new IllegalArgumentException("input " + name + " takes " + buffer.length + " values, got "
                    + values.length);
        }
        System.arraycopy(values, 0, buffer, 0, buffer.length);
    }

    @Override
    public void run() {
        checkOpen();
        Kernel[] k = kernels;
        for (int i = 0; i < k.length; i++) {
            k[i].run();
        }
        for (int i = 0; i < commitFrom.length; i++) {
            System.arraycopy(commitFrom[i], 0, commitTo[i], 0, commitTo[i].length);
        }
        runs++;
    }

    @Override
    public void readOutput(String name, float[] target) {
        float[] buffer = output(name);
        System.arraycopy(buffer, 0, target, 0, Math.min(buffer.length, target.length));
    }

    @Override
    public float outputScalar(String name) {
        return output(name)[0];
    }

    private float[] output(String name) {
        float[] buffer = outputs.get(name);
        if (buffer == null) {
            throw new IllegalArgumentException("no output " + name);
        }
        return buffer;
    }

    @Override
    public long runCount() {
        return runs;
    }

    @Override
    public void setRunCount(long runs) {
        this.runs = runs;
    }

    /** Bytes of arrays this plan holds alone: outputs and variable snapshots (shared scratch excluded). */
    long bufferBytes() {
        return bufferBytes;
    }

    @Override
    public void close() {
        closed = true;
        if (ownsInstance) {
            instance.close();
        }
    }

    @Override
    public String toString() {
        return "JavaStep[" + kernels.length + " kernels, " + bufferBytes / 1024 + " KiB buffers]";
    }
}
