package dev.neurite.runtime.compute;

import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.CompiledStep;
import dev.neurite.api.tensor.DType;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Step;
import dev.neurite.api.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A graph's variables as heap arrays, shared by the steps compiled in the instance. */
final class JavaGraphInstance implements GraphInstance {

    private final JavaBackend backend;
    private final Graph graph;
    private final Map<String, float[]> variables = new LinkedHashMap<>();
    private final List<JavaStep> steps = new ArrayList<>();
    /** Scratch arrays by length; a step's k-th scratch array of a length is the k-th here. */
    private final Map<Integer, List<float[]>> scratch = new HashMap<>();
    private volatile boolean closed;

    JavaGraphInstance(JavaBackend backend, Graph graph) {
        this.backend = backend;
        this.graph = graph;
        for (Tensor v : graph.variables().values()) {
            variables.put(v.name(), v.init().values(v.size()));
        }
    }

    JavaBackend backend() {
        return backend;
    }

    /** The array holding variable {@code v}; variables added to the graph later are created on demand. */
    float[] storage(Tensor v) {
        return variables.computeIfAbsent(v.name(), name -> v.init().values(v.size()));
    }

    /** The {@code ordinal}-th scratch array of {@code size} floats, created on first request. */
    float[] scratch(int size, int ordinal) {
        List<float[]> arrays = scratch.computeIfAbsent(size, s -> new ArrayList<>());
        while (arrays.size() <= ordinal) {
            arrays.add(new float[size]);
            backend.countStepBuffer(4L * size);
        }
        return arrays.get(ordinal);
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
    public CompiledStep compile(Step step, boolean ownsInstance) {
        checkOpen();
        if (step.graph() != graph) {
            throw new IllegalArgumentException("the step belongs to another graph");
        }
        JavaStep compiled = new JavaStep(this, step, ownsInstance);
        synchronized (steps) {
            steps.add(compiled);
        }
        return compiled;
    }

    @Override
    public StoredTensor variable(String name) {
        Tensor v = graph.variables().get(name);
        if (v == null) {
            throw new IllegalArgumentException("no variable " + name);
        }
        return StoredTensor.ofFloats(name, v.shape().dims(), storage(v));
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
    public void setVariable(StoredTensor value) {
        Tensor v = graph.variables().get(value.name());
        if (v == null) {
            throw new IllegalArgumentException("no variable " + value.name());
        }
        if (value.dtype() != DType.F32 || !Arrays.equals(value.shape(), v.shape().dims())) {
            throw new IllegalArgumentException(value + " does not fit variable " + v);
        }
        ByteBuffer.wrap(value.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(storage(v));
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "JavaGraphInstance[" + variables.size() + " variables]";
    }
}
