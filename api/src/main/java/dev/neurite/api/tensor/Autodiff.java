package dev.neurite.api.tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Differentiation as graph transforms: each call adds the derivative's nodes to the graph
 * and returns them, to be used as outputs or in further ops (including further derivatives).
 * The per-primitive rules are in {@code Derivatives}.
 */
public final class Autodiff {

    private Autodiff() {
    }

    /** Gradients of the scalar {@code loss} with respect to each of {@code wrt}. */
    public static List<Tensor> grad(Tensor loss, List<Tensor> wrt) {
        if (loss.size() != 1) {
            throw new IllegalArgumentException("grad needs a scalar loss, got " + loss);
        }
        return vjp(loss, loss.graph().fill(1, loss.shape()), wrt);
    }

    /**
     * Reverse mode: the vector-Jacobian products {@code cotangentᵀ · ∂output/∂w} for each
     * {@code w} in {@code wrt} (zeros where {@code output} does not depend on {@code w}).
     */
    public static List<Tensor> vjp(Tensor output, Tensor cotangent, List<Tensor> wrt) {
        Graph gr = output.graph();
        if (!cotangent.shape().equals(output.shape())) {
            throw new IllegalArgumentException("cotangent " + cotangent + " does not match " + output);
        }
        List<Tensor> nodes = gr.nodes();
        int top = output.id();
        // Which nodes lie on a path from some wrt to the output.
        boolean[] fromWrt = new boolean[top + 1];
        for (Tensor w : wrt) {
            if (w.graph() != gr) {
                throw new IllegalArgumentException(w + " belongs to another graph");
            }
            if (w.id() <= top) {
                fromWrt[w.id()] = true;
            }
        }
        for (int i = 0; i <= top; i++) {
            Tensor n = nodes.get(i);
            if (!fromWrt[i] && !n.op().isDiscrete() && n.op() != Op.STOP_GRADIENT) {
                for (Tensor x : n.inputs()) {
                    if (fromWrt[x.id()]) {
                        fromWrt[i] = true;
                        break;
                    }
                }
            }
        }
        Map<Integer, Tensor> grads = new HashMap<>();
        grads.put(top, cotangent);
        for (int i = top; i >= 0; i--) {
            Tensor g = grads.get(i);
            Tensor n = nodes.get(i);
            if (g == null || !fromWrt[i] || n.op().isLeaf()) {
                continue;
            }
            List<Tensor> parts = Derivatives.vjp(n, g);
            for (int k = 0; k < parts.size(); k++) {
                Tensor x = n.input(k);
                Tensor p = parts.get(k);
                if (p == null || !fromWrt[x.id()]) {
                    continue;
                }
                grads.merge(x.id(), p, gr::add);
            }
        }
        List<Tensor> result = new ArrayList<>();
        for (Tensor w : wrt) {
            Tensor g = w.id() <= top ? grads.get(w.id()) : null;
            result.add(g == null ? gr.zerosLike(w) : g);
        }
        return result;
    }

    /**
     * Forward mode: the directional derivative of {@code output} when each key of
     * {@code tangents} moves along its value (others held fixed).
     */
    public static Tensor jvp(Tensor output, Map<Tensor, Tensor> tangents) {
        Graph gr = output.graph();
        Map<Integer, Tensor> t = new HashMap<>();
        int first = Integer.MAX_VALUE;
        for (Map.Entry<Tensor, Tensor> e : tangents.entrySet()) {
            if (!e.getKey().shape().equals(e.getValue().shape())) {
                throw new IllegalArgumentException("tangent " + e.getValue() + " does not match " + e.getKey());
            }
            t.put(e.getKey().id(), e.getValue());
            first = Math.min(first, e.getKey().id());
        }
        List<Tensor> nodes = gr.nodes();
        for (int i = first; i <= output.id(); i++) {
            Tensor n = nodes.get(i);
            if (n.op().isLeaf() || t.containsKey(i)) {
                continue;
            }
            List<Tensor> in = new ArrayList<>();
            boolean any = false;
            for (Tensor x : n.inputs()) {
                Tensor tx = t.get(x.id());
                any |= tx != null;
                in.add(tx);
            }
            if (any) {
                Tensor tn = Derivatives.jvp(n, in);
                if (tn != null) {
                    t.put(i, tn);
                }
            }
        }
        Tensor result = t.get(output.id());
        return result == null ? gr.zerosLike(output) : result;
    }
}
