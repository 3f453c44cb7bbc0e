package dev.neurite.runtime.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM tiles with {@code jdk.incubator.vector}: a register block of 4 rows × 2 vectors of
 * C accumulates over a k block (8 fused multiply-adds per 2 loads of B, read from a panel
 * packed contiguously per thread); products with Bᵀ
 * accumulate 2×4 dot products in vector lanes. Only loaded when the module is present
 * (see {@link Simd}).
 */
final class VectorGemm extends Gemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Per pool thread: a k block × 2 vectors panel of B, packed contiguously. */
    private final float[][] panels;

    VectorGemm(int threads, float[] a, float[] b, float[] c, int m, int n, int k, boolean ta, boolean tb) {
        super(a, b, c, m, n, k, ta, tb);
        panels = tb ? null : new float[threads][KC * 2 * L];
    }

    /** Lanes of the preferred float vector; touching it fails without the module. */
    static int lanes() {
        return L;
    }

    @Override
    void tile(int i0, int i1, int j0, int j1, int k0, int k1) {
        boolean first = k0 == 0;
        int nr = 2 * L;
        int jv = j0 + ((j1 - j0) / nr) * nr;
        float[] panel = panels[WorkerPool.slot()];
        for (int j = j0; j < jv; j += nr) {
            // Rows of B are n apart (a power of two for square sizes, which thrashes cache
            // sets): copy the panel once, then every row block streams it contiguously.
            for (int p = k0, q = 0; p < k1; p++, q += nr) {
                int bp = p * n + j;
                FloatVector.fromArray(S, b, bp).intoArray(panel, q);
                FloatVector.fromArray(S, b, bp + L).intoArray(panel, q + L);
            }
            int i = i0;
            for (; i + MR <= i1; i += MR) {
                block4(panel, i, j, k0, k1, first);
            }
            for (; i < i1; i++) {
                block1(panel, i, j, k0, k1, first);
            }
        }
        if (jv < j1) {
            // Leftover columns (fewer than two vectors): the scalar form.
            super.tile(i0, i1, jv, j1, k0, k1);
        }
    }

    private void block4(float[] panel, int i, int j, int k0, int k1, boolean first) {
        int c0 = i * n + j;
        int c1 = c0 + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31;
        if (first) {
            x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = FloatVector.zero(S);
        } else {
            x00 = FloatVector.fromArray(S, c, c0);
            x01 = FloatVector.fromArray(S, c, c0 + L);
            x10 = FloatVector.fromArray(S, c, c1);
            x11 = FloatVector.fromArray(S, c, c1 + L);
            x20 = FloatVector.fromArray(S, c, c2);
            x21 = FloatVector.fromArray(S, c, c2 + L);
            x30 = FloatVector.fromArray(S, c, c3);
            x31 = FloatVector.fromArray(S, c, c3 + L);
        }
        int r = aRow;
        for (int p = k0, bp = 0; p < k1; p++, bp += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, panel, bp);
            FloatVector b1 = FloatVector.fromArray(S, panel, bp + L);
            int ap = i * r + p * aCol;
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            x00 = a0.fma(b0, x00);
            x01 = a0.fma(b1, x01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + r]);
            x10 = a1.fma(b0, x10);
            x11 = a1.fma(b1, x11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2 * r]);
            x20 = a2.fma(b0, x20);
            x21 = a2.fma(b1, x21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3 * r]);
            x30 = a3.fma(b0, x30);
            x31 = a3.fma(b1, x31);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
    }

    private void block1(float[] panel, int i, int j, int k0, int k1, boolean first) {
        int c0 = i * n + j;
        FloatVector x0 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c0);
        FloatVector x1 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c0 + L);
        for (int p = k0, bp = 0; p < k1; p++, bp += 2 * L) {
            FloatVector av = FloatVector.broadcast(S, a[i * aRow + p * aCol]);
            x0 = av.fma(FloatVector.fromArray(S, panel, bp), x0);
            x1 = av.fma(FloatVector.fromArray(S, panel, bp + L), x1);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + L);
    }

    @Override
    void tileDot(int i0, int i1, int j0, int j1) {
        if (aCol != 1 || k < L) {
            // Column-strided A (both operands transposed) or tiny k: the scalar form.
            super.tileDot(i0, i1, j0, j1);
            return;
        }
        int kv = (k / L) * L;
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            int i = i0;
            for (; i + 2 <= i1; i += 2) {
                dot2x4(i, j, kv);
            }
            for (; i < i1; i++) {
                for (int q = j; q < j + 4; q++) {
                    c[i * n + q] = dot1(i, q, kv);
                }
            }
        }
        for (; j < j1; j++) {
            for (int i = i0; i < i1; i++) {
                c[i * n + j] = dot1(i, j, kv);
            }
        }
    }

    private void dot2x4(int i, int j, int kv) {
        int a0p = i * aRow;
        int a1p = a0p + aRow;
        int b0p = j * k;
        int b1p = b0p + k;
        int b2p = b1p + k;
        int b3p = b2p + k;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int p = 0; p < kv; p += L) {
            FloatVector a0 = FloatVector.fromArray(S, a, a0p + p);
            FloatVector a1 = FloatVector.fromArray(S, a, a1p + p);
            FloatVector b0 = FloatVector.fromArray(S, b, b0p + p);
            FloatVector b1 = FloatVector.fromArray(S, b, b1p + p);
            FloatVector b2 = FloatVector.fromArray(S, b, b2p + p);
            FloatVector b3 = FloatVector.fromArray(S, b, b3p + p);
            s00 = a0.fma(b0, s00);
            s01 = a0.fma(b1, s01);
            s02 = a0.fma(b2, s02);
            s03 = a0.fma(b3, s03);
            s10 = a1.fma(b0, s10);
            s11 = a1.fma(b1, s11);
            s12 = a1.fma(b2, s12);
            s13 = a1.fma(b3, s13);
        }
        int r0 = i * n + j;
        int r1 = r0 + n;
        c[r0] = s00.reduceLanes(VectorOperators.ADD) + tail(a0p, b0p, kv);
        c[r0 + 1] = s01.reduceLanes(VectorOperators.ADD) + tail(a0p, b1p, kv);
        c[r0 + 2] = s02.reduceLanes(VectorOperators.ADD) + tail(a0p, b2p, kv);
        c[r0 + 3] = s03.reduceLanes(VectorOperators.ADD) + tail(a0p, b3p, kv);
        c[r1] = s10.reduceLanes(VectorOperators.ADD) + tail(a1p, b0p, kv);
        c[r1 + 1] = s11.reduceLanes(VectorOperators.ADD) + tail(a1p, b1p, kv);
        c[r1 + 2] = s12.reduceLanes(VectorOperators.ADD) + tail(a1p, b2p, kv);
        c[r1 + 3] = s13.reduceLanes(VectorOperators.ADD) + tail(a1p, b3p, kv);
    }

    private float dot1(int i, int j, int kv) {
        int ap = i * aRow;
        int bp = j * k;
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            s = FloatVector.fromArray(S, a, ap + p).fma(FloatVector.fromArray(S, b, bp + p), s);
        }
        return s.reduceLanes(VectorOperators.ADD) + tail(ap, bp, kv);
    }

    private float tail(int ap, int bp, int kv) {
        float s = 0;
        for (int p = kv; p < k; p++) {
            s += a[ap + p] * b[bp + p];
        }
        return s;
    }
}
