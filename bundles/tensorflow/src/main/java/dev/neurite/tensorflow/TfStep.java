package dev.neurite.tensorflow;

import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Op;
import dev.neurite.api.tensor.RandomDraws;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A step as TF ops: its outputs are fetched and its assignments are {@code AssignVariableOp}s
 * that carry control dependencies on every output and every assigned value, so no variable
 * changes before everything the step reads from it has been computed. One
 * {@code Session.run} per {@link #run()}. Inputs live in TF tensors allocated once; random
 * ops are fed the draws {@link RandomDraws} defines, so they equal the Java backend's.
 */
final class TfStep implements CompiledStep {

    private record Feed(Tensor node, Placeholder<TFloat32> placeholder, TFloat32 tensor, FloatDataBuffer data,
                        float[] scratch) {
    }

    private final TfGraphInstance instance;
    private final Step step;
    private final boolean ownsInstance;
    private final Map<String, Feed> inputs = new HashMap<>();
    private final List<Feed> randoms = new ArrayList<>();
    private final List<Feed> feeds = new ArrayList<>();
    private final List<String> outputNames = new ArrayList<>();
    private final List<Operand<TFloat32>> fetches = new ArrayList<>();
    private final Map<String, Integer> outputIndex = new HashMap<>();
    private final List<org.tensorflow.op.Op> targets = new ArrayList<>();
    private Result last;
    private long runs;
    private boolean closed;

    TfStep(TfGraphInstance instance, Step step, boolean ownsInstance) {
        this.instance = instance;
        this.step = step;
        this.ownsInstance = ownsInstance;
        Translator translator = instance.translator();
        Ops tf = instance.ops();

        // Leaves fed from Java: the step's inputs and random draws.
        Set<Tensor> seen = new HashSet<>();
        ArrayDeque<Tensor> todo = new ArrayDeque<>(step.outputs().values());
        todo.addAll(step.assignments().values());
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (seen.add(t)) {
                todo.addAll(t.inputs());
                if (t.op() == Op.INPUT || t.op().isRandom()) {
                    TFloat32 tensor = TFloat32.tensorOf(Translator.shape(t.shape()));
                    Feed f = new Feed(t, instance.feed(t), tensor, tensor.asRawTensor().data().asFloats(),
                            t.op().isRandom() ? new float[t.size()] : null);
                    feeds.add(f);
                    if (t.op() == Op.INPUT) {
                        inputs.put(t.name(), f);
                    } else {
                        randoms.add(f);
                    }
                }
            }
        }

        List<org.tensorflow.op.Op> gate = new ArrayList<>();
        step.outputs().forEach((name, t) -> {
            Operand<TFloat32> value = translator.get(t);
            if (t.op() == Op.INPUT || t.op().isRandom()) {
                value = tf.identity(value); // TF refuses to fetch what it is fed
            }
            outputIndex.put(name, fetches.size());
            outputNames.add(name);
            fetches.add(value);
            gate.add(value);
        });
        Map<Tensor, Operand<TFloat32>> values = new LinkedHashMap<>();
        step.assignments().forEach((variable, value) -> {
            Operand<TFloat32> v = translator.get(value);
            values.put(variable, v);
            gate.add(v);
        });
        if (!values.isEmpty()) {
            Ops gated = tf.withControlDependencies(gate);
            values.forEach((variable, v) -> targets.add(gated.assignVariableOp(instance.slot(variable).handle(), v)));
        }
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
        checkOpen();
        Feed f = inputs.get(name);
        if (f == null) {
            if (step.graph().inputs().containsKey(name)) {
                return; // an input this step does not read
            }
            throw new IllegalArgumentException("no input " + name);
        }
        if (values.length != f.node().size()) {
            throw new IllegalArgumentException("input " + name + " takes " + f.node().size() + " values, got "
                    + values.length);
        }
        f.data().write(values);
    }

    @Override
    public void run() {
        checkOpen();
        for (Feed f : randoms) {
            Tensor t = f.node();
            RandomDraws.fill(t.op(), t.reals(), RandomDraws.stream(RandomDraws.nodeSeed(t), runs), f.scratch(), 0,
                    t.size());
            f.data().write(f.scratch());
        }
        Session.Runner runner = instance.session().runner();
        for (Feed f : feeds) {
            runner.feed(f.placeholder(), f.tensor());
        }
        for (Operand<TFloat32> o : fetches) {
            runner.fetch(o);
        }
        for (org.tensorflow.op.Op target : targets) {
            runner.addTarget(target);
        }
        if (last != null) {
            last.close();
            last = null;
        }
        last = runner.run();
        runs++;
    }

    private TFloat32 output(String name) {
        Integer i = outputIndex.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no output " + name);
        }
        if (last == null) {
            throw new IllegalStateException("the step has not run");
        }
        return (TFloat32) last.get(i);
    }

    @Override
    public void readOutput(String name, float[] target) {
        TFloat32 t = output(name);
        int n = (int) Math.min(t.size(), target.length);
        t.asRawTensor().data().asFloats().read(target, 0, n);
    }

    @Override
    public float outputScalar(String name) {
        return output(name).asRawTensor().data().asFloats().getFloat(0);
    }

    @Override
    public long runCount() {
        return runs;
    }

    @Override
    public void setRunCount(long runs) {
        this.runs = runs;
    }

    /** Frees the step's TF tensors (the instance closes its graph separately). */
    void release() {
        if (last != null) {
            last.close();
            last = null;
        }
        for (Feed f : feeds) {
            f.tensor().close();
        }
        feeds.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (instance) {
            release();
        }
        if (ownsInstance) {
            instance.close();
        }
    }

    @Override
    public String toString() {
        return "TfStep[" + fetches.size() + " outputs, " + targets.size() + " assignments]";
    }
}
