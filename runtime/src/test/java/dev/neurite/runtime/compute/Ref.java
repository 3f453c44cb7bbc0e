package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.Shape;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Plain f64 reference computations the conformance suite compares backends against. */
final class Ref {

    final int[] shape;
    final double[] v;

    Ref(int[] shape, double[] v) {
        this.shape = shape.clone();
        this.v = v;
        if (Shape.of(shape).size() != v.length) {
            throw new IllegalArgumentException(Arrays.toString(shape) + " vs " + v.length);
        }
    }

    Shape s() {
        return Shape.of(shape);
    }

    Ref map(DoubleUnaryOperator f) {
        double[] o = new double[v.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = f.applyAsDouble(v[i]);
        }
        return new Ref(shape, o);
    }

    /** Index into this (possibly broadcast) operand for flat index {@code i} of {@code out}. */
    private int source(Shape out, int i) {
        int off = 0;
        int stride = 1;
        int rem = i;
        int[] od = out.dims();
        for (int d = od.length - 1; d >= 0; d--) {
            int idx = rem % od[d];
            rem /= od[d];
            int sd = d - (od.length - shape.length);
            if (sd >= 0) {
                if (shape[sd] != 1) {
                    off += idx * stride;
                }
                stride *= shape[sd];
            }
        }
        return off;
    }

    static Ref zip(Ref a, Ref b, DoubleBinaryOperator f) {
        Shape out = Shape.broadcast(a.s(), b.s());
        double[] o = new double[out.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = f.applyAsDouble(a.v[a.source(out, i)], b.v[b.source(out, i)]);
        }
        return new Ref(out.dims(), o);
    }

    static Ref where(Ref m, Ref a, Ref b) {
        Shape out = Shape.broadcast(Shape.broadcast(m.s(), a.s()), b.s());
        double[] o = new double[out.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = m.v[m.source(out, i)] != 0 ? a.v[a.source(out, i)] : b.v[b.source(out, i)];
        }
        return new Ref(out.dims(), o);
    }

    Ref broadcast(int... dims) {
        Shape out = Shape.of(dims);
        double[] o = new double[out.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = v[source(out, i)];
        }
        return new Ref(dims, o);
    }

    static Ref matmul(Ref a, Ref b, boolean ta, boolean tb) {
        int m = ta ? a.shape[1] : a.shape[0];
        int k = ta ? a.shape[0] : a.shape[1];
        int n = tb ? b.shape[0] : b.shape[1];
        double[] o = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a.v[p * m + i] : a.v[i * k + p];
                    double y = tb ? b.v[j * k + p] : b.v[p * n + j];
                    s += x * y;
                }
                o[i * n + j] = s;
            }
        }
        return new Ref(new int[] {m, n}, o);
    }

    /** kind: 0 sum, 1 max, 2 argmax. */
    Ref reduce(int axis, boolean keep, int kind) {
        Shape s = s();
        int outer = s.outer(axis);
        int n = s.dim(axis);
        int inner = s.inner(axis);
        double[] o = new double[outer * inner];
        for (int a = 0; a < outer; a++) {
            for (int j = 0; j < inner; j++) {
                double acc = kind == 0 ? 0 : Double.NEGATIVE_INFINITY;
                int best = 0;
                for (int k = 0; k < n; k++) {
                    double x = v[(a * n + k) * inner + j];
                    if (kind == 0) {
                        acc += x;
                    } else if (x > acc) {
                        acc = x;
                        best = k;
                    }
                }
                o[a * inner + j] = kind == 2 ? best : acc;
            }
        }
        Shape out = keep && kind != 2 ? s.with(axis, 1) : s.without(axis);
        return new Ref(out.dims(), o);
    }

    Ref reshape(int... dims) {
        return new Ref(dims, v.clone());
    }

    Ref transpose(int... perm) {
        Shape in = s();
        int[] od = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            od[i] = shape[perm[i]];
        }
        int[] inStrides = new int[shape.length];
        int st = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            inStrides[d] = st;
            st *= shape[d];
        }
        double[] o = new double[in.size()];
        for (int i = 0; i < o.length; i++) {
            int rem = i;
            int off = 0;
            for (int d = od.length - 1; d >= 0; d--) {
                off += (rem % od[d]) * inStrides[perm[d]];
                rem /= od[d];
            }
            o[i] = v[off];
        }
        return new Ref(od, o);
    }

    Ref slice(int axis, int start, int end) {
        Shape s = s();
        int outer = s.outer(axis);
        int inner = s.inner(axis);
        int n = s.dim(axis);
        int len = end - start;
        double[] o = new double[outer * len * inner];
        for (int a = 0; a < outer; a++) {
            System.arraycopy(v, (a * n + start) * inner, o, a * len * inner, len * inner);
        }
        return new Ref(s.with(axis, len).dims(), o);
    }

    static Ref concat(int axis, Ref... parts) {
        Shape s0 = parts[0].s();
        int outer = s0.outer(axis);
        int inner = s0.inner(axis);
        int total = 0;
        for (Ref p : parts) {
            total += p.shape[axis];
        }
        double[] o = new double[outer * total * inner];
        int off = 0;
        for (Ref p : parts) {
            int n = p.shape[axis];
            for (int a = 0; a < outer; a++) {
                System.arraycopy(p.v, a * n * inner, o, (a * total + off) * inner, n * inner);
            }
            off += n;
        }
        return new Ref(s0.with(axis, total).dims(), o);
    }

    static Ref gather(Ref table, Ref index) {
        int w = table.s().inner(0);
        int rows = index.v.length;
        double[] o = new double[rows * w];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(table.v, (int) index.v[r] * w, o, r * w, w);
        }
        return new Ref(table.s().with(0, rows).dims(), o);
    }

    static Ref oneHot(Ref index, int depth) {
        double[] o = new double[index.v.length * depth];
        for (int r = 0; r < index.v.length; r++) {
            o[r * depth + (int) index.v[r]] = 1;
        }
        return new Ref(new int[] {index.v.length, depth}, o);
    }

    double sum() {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
