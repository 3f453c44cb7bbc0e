package dev.neurite.runtime.compute;

import dev.neurite.api.tensor.Op;
import dev.neurite.api.tensor.RandomDraws;
import dev.neurite.api.tensor.Shape;

import java.util.Arrays;

/**
 * The Java backend's kernels: one object per node of a compiled step, bound at compile time
 * to its input and output buffers. {@link Kernel#run()} allocates nothing.
 */
final class Kernels {

    /** Element counts below which element-wise kernels stay on the calling thread. */
    static final int GRAIN = 1 << 15;

    private Kernels() {
    }

    abstract static class Kernel {
        abstract void run();
    }

    // ------------------------------------------------------------------ element-wise

    static final class Unary extends Kernel implements WorkerPool.Task {
        private final Op op;
        private final float[] x;
        private final float[] out;
        private final int size;
        private final WorkerPool pool;

        Unary(Op op, float[] x, float[] out, int size, WorkerPool pool) {
            this.op = op;
            this.x = x;
            this.out = out;
            this.size = size;
            this.pool = pool;
        }

        @Override
        void run() {
            pool.parallelFor(size, GRAIN, this);
        }

        @Override
        public void range(int from, int to) {
            float[] x = this.x;
            float[] o = out;
            switch (op) {
                case NEG -> {
                    for (int i = from; i < to; i++) {
                        o[i] = -x[i];
                    }
                }
                case ABS -> {
                    for (int i = from; i < to; i++) {
                        o[i] = Math.abs(x[i]);
                    }
                }
                case SIGN -> {
                    for (int i = from; i < to; i++) {
                        o[i] = Math.signum(x[i]);
                    }
                }
                case EXP -> {
                    for (int i = from; i < to; i++) {
                        o[i] = (float) Math.exp(x[i]);
                    }
                }
                case LOG -> {
                    for (int i = from; i < to; i++) {
                        o[i] = (float) Math.log(x[i]);
                    }
                }
                case SQRT -> {
                    for (int i = from; i < to; i++) {
                        o[i] = (float) Math.sqrt(x[i]);
                    }
                }
                case RECIPROCAL -> {
                    for (int i = from; i < to; i++) {
                        o[i] = 1f / x[i];
                    }
                }
                case RELU -> {
                    for (int i = from; i < to; i++) {
                        o[i] = Math.max(x[i], 0f);
                    }
                }
                case SIGMOID -> {
                    for (int i = from; i < to; i++) {
                        o[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
                    }
                }
                case TANH -> {
                    for (int i = from; i < to; i++) {
                        o[i] = (float) Math.tanh(x[i]);
                    }
                }
                case STOP_GRADIENT -> System.arraycopy(x, from, o, from, to - from);
                default -> throw new IllegalStateException(op.name());
            }
        }
    }

    /** Offsets of broadcast operands, walked one output row (last dimension) at a time. */
    static final class Broadcasting {
        final int rank;
        final int rows;
        final int width;
        final int[] outDims;
        /** Per operand: element strides aligned to the output's dimensions (0 where broadcast). */
        final int[][] strides;

        Broadcasting(Shape out, Shape... operands) {
            rank = out.rank();
            outDims = out.dims();
            width = rank == 0 ? 1 : outDims[rank - 1];
            rows = width == 0 ? 0 : out.size() / width;
            strides = new int[operands.length][rank];
            for (int q = 0; q < operands.length; q++) {
                Shape s = operands[q];
                int stride = 1;
                for (int d = s.rank() - 1; d >= 0; d--) {
                    int od = d + (rank - s.rank());
                    strides[q][od] = s.dim(d) == 1 ? 0 : stride;
                    stride *= s.dim(d);
                }
            }
        }

        /** Element offset of operand {@code q} at the start of output row {@code row}. */
        int offset(int q, int row) {
            int off = 0;
            int r = row;
            int[] st = strides[q];
            for (int d = rank - 2; d >= 0; d--) {
                int dim = outDims[d];
                off += (r % dim) * st[d];
                r /= dim;
            }
            return off;
        }

        /** Step of operand {@code q} along the last dimension. */
        int inner(int q) {
            return rank == 0 ? 0 : strides[q][rank - 1];
        }
    }

    static final class Binary extends Kernel implements WorkerPool.Task {
        private final Op op;
        private final float[] a;
        private final float[] b;
        private final float[] out;
        private final Broadcasting shape;
        private final boolean same;
        private final int size;
        private final WorkerPool pool;

        Binary(Op op, float[] a, Shape as, float[] b, Shape bs, float[] out, Shape os, WorkerPool pool) {
            this.op = op;
            this.a = a;
            this.b = b;
            this.out = out;
            this.shape = new Broadcasting(os, as, bs);
            this.same = as.equals(os) && bs.equals(os);
            this.size = os.size();
            this.pool = pool;
        }

        @Override
        void run() {
            if (same) {
                pool.parallelFor(size, GRAIN, this);
            } else {
                pool.parallelFor(shape.rows, Math.max(1, GRAIN / Math.max(1, shape.width)), this);
            }
        }

        @Override
        public void range(int from, int to) {
            if (same) {
                row(op, a, from, 1, b, from, 1, out, from, to - from);
                return;
            }
            int w = shape.width;
            int sa = shape.inner(0);
            int sb = shape.inner(1);
            for (int r = from; r < to; r++) {
                row(op, a, shape.offset(0, r), sa, b, shape.offset(1, r), sb, out, r * w, w);
            }
        }

        static void row(Op op, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] o, int io, int n) {
            if (sa == 1 && sb == 1) {
                switch (op) {
                    case ADD -> {
                        for (int i = 0; i < n; i++) {
                            o[io + i] = a[ia + i] + b[ib + i];
                        }
                        return;
                    }
                    case SUB -> {
                        for (int i = 0; i < n; i++) {
                            o[io + i] = a[ia + i] - b[ib + i];
                        }
                        return;
                    }
                    case MUL -> {
                        for (int i = 0; i < n; i++) {
                            o[io + i] = a[ia + i] * b[ib + i];
                        }
                        return;
                    }
                    default -> {
                    }
                }
            } else if (sa == 1 && sb == 0) {
                float bv = b[ib];
                switch (op) {
                    case ADD -> {
                        for (int i = 0; i < n; i++) {
                            o[io + i] = a[ia + i] + bv;
                        }
                        return;
                    }
                    case SUB -> {
                        for (int i = 0; i < n; i++) {
                            o[io + i] = a[ia + i] - bv;
                        }
                        return;
                    }
                    case MUL -> {
                        for (int i = 0; i < n; i++) {
                            o[io + i] = a[ia + i] * bv;
                        }
                        return;
                    }
                    default -> {
                    }
                }
            }
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = a[ia + i * sa] + b[ib + i * sb];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = a[ia + i * sa] - b[ib + i * sb];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = a[ia + i * sa] * b[ib + i * sb];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = a[ia + i * sa] / b[ib + i * sb];
                    }
                }
                case MAX -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = Math.max(a[ia + i * sa], b[ib + i * sb]);
                    }
                }
                case MIN -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = Math.min(a[ia + i * sa], b[ib + i * sb]);
                    }
                }
                case LESS -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = a[ia + i * sa] < b[ib + i * sb] ? 1f : 0f;
                    }
                }
                case LESS_EQUAL -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = a[ia + i * sa] <= b[ib + i * sb] ? 1f : 0f;
                    }
                }
                case EQUAL -> {
                    for (int i = 0; i < n; i++) {
                        o[io + i] = a[ia + i * sa] == b[ib + i * sb] ? 1f : 0f;
                    }
                }
                default -> throw new IllegalStateException(op.name());
            }
        }
    }

    static final class Where extends Kernel implements WorkerPool.Task {
        private final float[] mask;
        private final float[] a;
        private final float[] b;
        private final float[] out;
        private final Broadcasting shape;
        private final WorkerPool pool;

        Where(float[] mask, Shape ms, float[] a, Shape as, float[] b, Shape bs, float[] out, Shape os, WorkerPool pool) {
            this.mask = mask;
            this.a = a;
            this.b = b;
            this.out = out;
            this.shape = new Broadcasting(os, ms, as, bs);
            this.pool = pool;
        }

        @Override
        void run() {
            pool.parallelFor(shape.rows, Math.max(1, GRAIN / Math.max(1, shape.width)), this);
        }

        @Override
        public void range(int from, int to) {
            int w = shape.width;
            int sm = shape.inner(0);
            int sa = shape.inner(1);
            int sb = shape.inner(2);
            for (int r = from; r < to; r++) {
                int im = shape.offset(0, r);
                int ia = shape.offset(1, r);
                int ib = shape.offset(2, r);
                int io = r * w;
                for (int i = 0; i < w; i++) {
                    out[io + i] = mask[im + i * sm] != 0f ? a[ia + i * sa] : b[ib + i * sb];
                }
            }
        }
    }

    /** BROADCAST: repeats the input along broadcast dimensions. */
    static final class Expand extends Kernel implements WorkerPool.Task {
        private final float[] x;
        private final float[] out;
        private final Broadcasting shape;
        private final WorkerPool pool;

        Expand(float[] x, Shape xs, float[] out, Shape os, WorkerPool pool) {
            this.x = x;
            this.out = out;
            this.shape = new Broadcasting(os, xs);
            this.pool = pool;
        }

        @Override
        void run() {
            pool.parallelFor(shape.rows, Math.max(1, GRAIN / Math.max(1, shape.width)), this);
        }

        @Override
        public void range(int from, int to) {
            int w = shape.width;
            int s = shape.inner(0);
            for (int r = from; r < to; r++) {
                int ix = shape.offset(0, r);
                int io = r * w;
                if (s == 1) {
                    System.arraycopy(x, ix, out, io, w);
                } else {
                    Arrays.fill(out, io, io + w, x[ix]);
                }
            }
        }
    }

    // ------------------------------------------------------------------ reductions

    static final class Reduce extends Kernel implements WorkerPool.Task {
        private final Op op;
        private final float[] x;
        private final float[] out;
        private final int outer;
        private final int n;
        private final int inner;
        private final boolean byOuter;
        private final WorkerPool pool;

        Reduce(Op op, float[] x, Shape xs, int axis, float[] out, WorkerPool pool) {
            this.op = op;
            this.x = x;
            this.out = out;
            this.outer = xs.outer(axis);
            this.n = xs.dim(axis);
            this.inner = xs.inner(axis);
            this.byOuter = outer >= inner;
            this.pool = pool;
        }

        @Override
        void run() {
            int units = byOuter ? outer : inner;
            int per = byOuter ? n * inner : n * outer;
            pool.parallelFor(units, Math.max(1, GRAIN / Math.max(1, per)), this);
        }

        @Override
        public void range(int from, int to) {
            if (byOuter) {
                for (int o = from; o < to; o++) {
                    reduce(o, 0, inner);
                }
            } else {
                for (int o = 0; o < outer; o++) {
                    reduce(o, from, to);
                }
            }
        }

        private void reduce(int o, int j0, int j1) {
            int base = o * n * inner;
            int ob = o * inner;
            switch (op) {
                case SUM -> {
                    for (int j = j0; j < j1; j++) {
                        out[ob + j] = 0f;
                    }
                    for (int k = 0; k < n; k++) {
                        int row = base + k * inner;
                        for (int j = j0; j < j1; j++) {
                            out[ob + j] += x[row + j];
                        }
                    }
                }
                case MAX_REDUCE -> {
                    for (int j = j0; j < j1; j++) {
                        out[ob + j] = Float.NEGATIVE_INFINITY;
                    }
                    for (int k = 0; k < n; k++) {
                        int row = base + k * inner;
                        for (int j = j0; j < j1; j++) {
                            out[ob + j] = Math.max(out[ob + j], x[row + j]);
                        }
                    }
                }
                case ARGMAX -> {
                    for (int j = j0; j < j1; j++) {
                        int best = 0;
                        float bestValue = x[base + j];
                        for (int k = 1; k < n; k++) {
                            float v = x[base + k * inner + j];
                            if (v > bestValue) {
                                bestValue = v;
                                best = k;
                            }
                        }
                        out[ob + j] = best;
                    }
                }
                default -> throw new IllegalStateException(op.name());
            }
        }
    }

    // ------------------------------------------------------------------ movement

    static final class Copy extends Kernel {
        private final float[] x;
        private final float[] out;
        private final int size;

        Copy(float[] x, float[] out, int size) {
            this.x = x;
            this.out = out;
            this.size = size;
        }

        @Override
        void run() {
            System.arraycopy(x, 0, out, 0, size);
        }
    }

    static final class Transpose extends Kernel implements WorkerPool.Task {
        private final float[] x;
        private final float[] out;
        private final Broadcasting rows;
        /** Input strides permuted into output axis order. */
        private final int[] strides;
        private final int last;
        private final WorkerPool pool;

        Transpose(float[] x, Shape xs, int[] perm, float[] out, Shape os, WorkerPool pool) {
            this.x = x;
            this.out = out;
            this.rows = new Broadcasting(os);
            int rank = xs.rank();
            int[] inStrides = new int[rank];
            int s = 1;
            for (int d = rank - 1; d >= 0; d--) {
                inStrides[d] = s;
                s *= xs.dim(d);
            }
            strides = new int[rank];
            for (int d = 0; d < rank; d++) {
                strides[d] = inStrides[perm[d]];
            }
            last = rank == 0 ? 0 : strides[rank - 1];
            this.pool = pool;
        }

        @Override
        void run() {
            pool.parallelFor(rows.rows, Math.max(1, GRAIN / Math.max(1, rows.width)), this);
        }

        @Override
        public void range(int from, int to) {
            int w = rows.width;
            for (int r = from; r < to; r++) {
                int off = 0;
                int rem = r;
                for (int d = rows.rank - 2; d >= 0; d--) {
                    int dim = rows.outDims[d];
                    off += (rem % dim) * strides[d];
                    rem /= dim;
                }
                int io = r * w;
                for (int i = 0; i < w; i++) {
                    out[io + i] = x[off + i * last];
                }
            }
        }
    }

    static final class Slice extends Kernel {
        private final float[] x;
        private final float[] out;
        private final int outer;
        private final int srcRow;
        private final int dstRow;
        private final int start;

        Slice(float[] x, Shape xs, int axis, int start, int end, float[] out) {
            this.x = x;
            this.out = out;
            this.outer = xs.outer(axis);
            int inner = xs.inner(axis);
            this.srcRow = xs.dim(axis) * inner;
            this.dstRow = (end - start) * inner;
            this.start = start * inner;
        }

        @Override
        void run() {
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x, o * srcRow + start, out, o * dstRow, dstRow);
            }
        }
    }

    static final class Concat extends Kernel {
        private final float[][] parts;
        private final int[] partRows;
        private final float[] out;
        private final int outer;
        private final int outRow;

        Concat(float[][] parts, Shape[] shapes, int axis, float[] out, Shape os) {
            this.parts = parts;
            this.out = out;
            this.outer = os.outer(axis);
            int inner = os.inner(axis);
            this.outRow = os.dim(axis) * inner;
            this.partRows = new int[parts.length];
            for (int p = 0; p < parts.length; p++) {
                partRows[p] = shapes[p].dim(axis) * inner;
            }
        }

        @Override
        void run() {
            for (int o = 0; o < outer; o++) {
                int off = o * outRow;
                for (int p = 0; p < parts.length; p++) {
                    System.arraycopy(parts[p], o * partRows[p], out, off, partRows[p]);
                    off += partRows[p];
                }
            }
        }
    }

    // ------------------------------------------------------------------ indexing

    static final class Gather extends Kernel {
        private final float[] table;
        private final float[] index;
        private final float[] out;
        private final int rows;
        private final int tableRows;
        private final int width;

        Gather(float[] table, Shape ts, float[] index, int rows, float[] out) {
            this.table = table;
            this.index = index;
            this.out = out;
            this.rows = rows;
            this.tableRows = ts.dim(0);
            this.width = ts.inner(0);
        }

        @Override
        void run() {
            for (int r = 0; r < rows; r++) {
                int i = (int) index[r];
                if (i < 0 || i >= tableRows || i != index[r]) {
                    throw new IllegalArgumentException("gather index " + index[r] + " outside [0, " + tableRows + ")");
                }
                System.arraycopy(table, i * width, out, r * width, width);
            }
        }
    }

    static final class OneHot extends Kernel {
        private final float[] index;
        private final float[] out;
        private final int rows;
        private final int depth;

        OneHot(float[] index, int rows, int depth, float[] out) {
            this.index = index;
            this.out = out;
            this.rows = rows;
            this.depth = depth;
        }

        @Override
        void run() {
            Arrays.fill(out, 0, rows * depth, 0f);
            for (int r = 0; r < rows; r++) {
                float v = index[r];
                int c = (int) v;
                if (c == v && c >= 0 && c < depth) {
                    out[r * depth + c] = 1f;
                }
            }
        }
    }

    // ------------------------------------------------------------------ random

    /** Random ops: the values {@link RandomDraws} defines, filled in parallel. */
    static final class Random extends Kernel implements WorkerPool.Task {
        private final Op op;
        private final long seed;
        private final double[] reals;
        private final float[] out;
        private final int size;
        private final JavaStep step;
        private final WorkerPool pool;
        private long stream;

        Random(Op op, long seed, double[] reals, float[] out, int size, JavaStep step, WorkerPool pool) {
            this.op = op;
            this.seed = seed;
            this.reals = reals;
            this.out = out;
            this.size = size;
            this.step = step;
            this.pool = pool;
        }

        @Override
        void run() {
            stream = RandomDraws.stream(seed, step.runCount());
            pool.parallelFor(size, GRAIN, this);
        }

        @Override
        public void range(int from, int to) {
            RandomDraws.fill(op, reals, stream, out, from, to);
        }
    }

    // ------------------------------------------------------------------ matmul

    static final class MatMul extends Kernel {
        private final Gemm gemm;
        private final WorkerPool pool;

        MatMul(Gemm gemm, WorkerPool pool) {
            this.gemm = gemm;
            this.pool = pool;
        }

        @Override
        void run() {
            gemm.run(pool);
        }
    }
}
