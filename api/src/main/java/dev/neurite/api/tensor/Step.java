package dev.neurite.api.tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One unit of work a backend compiles and runs repeatedly: named outputs to compute and
 * variables to assign. All outputs and all assigned values are computed from the variables'
 * values at the start of the run; the assignments take effect together at its end. So an
 * optimizer's updates are always ordered after every gradient of the step.
 */
public final class Step {

    private final Graph graph;
    private final Map<String, Tensor> outputs;
    private final Map<Tensor, Tensor> assignments;

    private Step(Graph graph, Map<String, Tensor> outputs, Map<Tensor, Tensor> assignments) {
        this.graph = graph;
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        this.assignments = Collections.unmodifiableMap(new LinkedHashMap<>(assignments));
    }

    /** The graph. */
    public Graph graph() {
        return graph;
    }

    /** Outputs by name. */
    public Map<String, Tensor> outputs() {
        return outputs;
    }

    /** New values of variables, keyed by the variable. */
    public Map<Tensor, Tensor> assignments() {
        return assignments;
    }

    /** Collects the outputs and assignments of a step. */
    public static final class Builder {
        private final Graph graph;
        private final Map<String, Tensor> outputs = new LinkedHashMap<>();
        private final Map<Tensor, Tensor> assignments = new LinkedHashMap<>();

        Builder(Graph graph) {
            this.graph = graph;
        }

        /** The graph the step belongs to. */
        public Graph graph() {
            return graph;
        }

        /** Computes {@code value} and makes it readable as {@code name}. */
        public Builder output(String name, Tensor value) {
            check(value);
            if (outputs.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("output " + name + " already defined");
            }
            return this;
        }

        /** Sets {@code variable} to {@code value} at the end of each run. */
        public Builder assign(Tensor variable, Tensor value) {
            check(variable);
            check(value);
            if (variable.op() != Op.VARIABLE) {
                throw new IllegalArgumentException("only variables can be assigned, not " + variable);
            }
            if (!variable.shape().equals(value.shape())) {
                throw new IllegalArgumentException("cannot assign " + value + " to " + variable);
            }
            if (assignments.putIfAbsent(variable, value) != null) {
                throw new IllegalArgumentException(variable.name() + " is assigned twice in one step");
            }
            return this;
        }

        private void check(Tensor t) {
            if (t.graph() != graph) {
                throw new IllegalArgumentException(t + " belongs to another graph");
            }
        }

        /** The step. */
        public Step build() {
            if (outputs.isEmpty() && assignments.isEmpty()) {
                throw new IllegalStateException("a step needs an output or an assignment");
            }
            return new Step(graph, outputs, assignments);
        }
    }
}
