package dev.neurite.tensorflow;

import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.DType;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssignVariableOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TF graph and session holding a tensor-API graph's variables as resource variables.
 * Steps compiled here add their ops to the same TF graph and share the translated nodes.
 * Resource variables give the step semantics for free: a read holds its buffer, and an
 * assignment while a read still holds it writes a new buffer (copy on write).
 */
final class TfGraphInstance implements GraphInstance {

    /** A variable: its resource, a read, and a feed-and-assign pair that sets it. */
    record Slot(Tensor variable, VarHandleOp handle, Operand<TFloat32> read, Placeholder<TFloat32> feed,
                AssignVariableOp set) {
    }

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final TfBackend backend;
    private final Graph graph;
    private final org.tensorflow.Graph tfGraph;
    private final Ops tf;
    private final Session session;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<Tensor, Placeholder<TFloat32>> feeds = new HashMap<>();
    private final Translator translator;
    private final List<TfStep> steps = new ArrayList<>();
    private final String resourcePrefix = "neurite" + INSTANCES.incrementAndGet() + "/";
    private boolean closed;

    TfGraphInstance(TfBackend backend, Graph graph) {
        this.backend = backend;
        this.graph = graph;
        this.tfGraph = new org.tensorflow.Graph();
        try {
            this.tf = backend.ops(tfGraph);
            this.translator = new Translator(tf, this::leaf);
            this.session = backend.session(tfGraph);
            ensureVariables();
        } catch (RuntimeException | Error e) {
            tfGraph.close();
            throw e;
        }
    }

    TfBackend backend() {
        return backend;
    }

    Ops ops() {
        return tf;
    }

    Session session() {
        return session;
    }

    Translator translator() {
        return translator;
    }

    /** The placeholder an input or a random node is fed through. */
    Placeholder<TFloat32> feed(Tensor t) {
        return feeds.computeIfAbsent(t, x -> Translator.placeholder(tf, x));
    }

    Slot slot(Tensor variable) {
        Slot s = slots.get(variable.name());
        if (s == null) {
            ensureVariables();
            s = slots.get(variable.name());
        }
        return s;
    }

    private Operand<TFloat32> leaf(Tensor t) {
        return switch (t.op()) {
            case VARIABLE -> slot(t).read();
            default -> feed(t);
        };
    }

    /** Creates and initializes the TF variables for graph variables that have none yet. */
    private void ensureVariables() {
        List<Slot> fresh = new ArrayList<>();
        for (Tensor v : graph.variables().values()) {
            if (!slots.containsKey(v.name())) {
                // Each resource needs its own shared name: with none, TF gives every handle one resource.
                VarHandleOp handle = tf.varHandleOp(TFloat32.class, Translator.shape(v.shape()),
                        VarHandleOp.sharedName(resourcePrefix + v.name()));
                Operand<TFloat32> read = tf.readVariableOp(handle, TFloat32.class);
                Placeholder<TFloat32> feed = Translator.placeholder(tf, v);
                AssignVariableOp set = tf.assignVariableOp(handle, feed);
                Slot s = new Slot(v, handle, read, feed, set);
                slots.put(v.name(), s);
                fresh.add(s);
            }
        }
        if (!fresh.isEmpty()) {
            Map<Slot, float[]> values = new LinkedHashMap<>();
            for (Slot s : fresh) {
                values.put(s, s.variable().init().values(s.variable().size()));
            }
            write(values);
        }
    }

    private void write(Map<Slot, float[]> values) {
        List<TFloat32> tensors = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            values.forEach((s, v) -> {
                TFloat32 t = TFloat32.tensorOf(Translator.shape(s.variable().shape()));
                tensors.add(t);
                t.asRawTensor().data().asFloats().write(v);
                runner.feed(s.feed(), t).addTarget(s.set());
            });
            runner.run().close();
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the instance is closed");
        }
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public synchronized CompiledStep compile(Step step, boolean ownsInstance) {
        checkOpen();
        if (step.graph() != graph) {
            throw new IllegalArgumentException("the step belongs to another graph");
        }
        for (Tensor t : graph.nodes()) {
            if (t.dtype() != DType.F32) {
                throw new UnsupportedOperationException("the TensorFlow backend computes F32 only: " + t);
            }
        }
        TfStep compiled = new TfStep(this, step, ownsInstance);
        steps.add(compiled);
        return compiled;
    }

    @Override
    public synchronized StoredTensor variable(String name) {
        checkOpen();
        Tensor v = graph.variables().get(name);
        if (v == null) {
            throw new IllegalArgumentException("no variable " + name);
        }
        float[] values = new float[v.size()];
        try (Result r = session.runner().fetch(slot(v).read()).run()) {
            ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(values);
        }
        return StoredTensor.ofFloats(name, v.shape().dims(), values);
    }

    @Override
    public List<StoredTensor> variables() {
        List<StoredTensor> all = new ArrayList<>();
        for (String name : graph.variables().keySet()) {
            all.add(variable(name));
        }
        return all;
    }

    @Override
    public synchronized void setVariable(StoredTensor value) {
        checkOpen();
        Tensor v = graph.variables().get(value.name());
        if (v == null) {
            throw new IllegalArgumentException("no variable " + value.name());
        }
        if (value.dtype() != DType.F32 || !Arrays.equals(value.shape(), v.shape().dims())) {
            throw new IllegalArgumentException(value + " does not fit variable " + v);
        }
        float[] values = new float[v.size()];
        ByteBuffer.wrap(value.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        write(Map.of(slot(v), values));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (TfStep s : steps) {
            s.release();
        }
        session.close();
        tfGraph.close();
    }

    @Override
    public String toString() {
        return "TfGraphInstance[" + slots.size() + " variables on " + backend.device().id() + "]";
    }
}
