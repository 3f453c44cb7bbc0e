package dev.neurite.runtime.compute;

/**
 * One matrix product {@code C[m,n] = op(A) · op(B)} over fixed buffers, split into tiles
 * that the worker pool computes in parallel. Within a tile the loops are blocked over k (so
 * a panel of B stays in cache) and over rows (so each loaded row of B feeds several rows of
 * C). {@code A} is read through strides, so a transposed A costs nothing; a transposed B is
 * computed as dot products of rows, which are contiguous in both operands.
 */
class Gemm implements WorkerPool.Task {

    static final int MC = 64;
    static final int NC = 256;
    static final int KC = 256;
    static final int MR = 4;

    final float[] a;
    final float[] b;
    final float[] c;
    final int m;
    final int n;
    final int k;
    final boolean transposeA;
    final boolean transposeB;
    /** Element step between consecutive rows, and between consecutive k, of op(A). */
    final int aRow;
    final int aCol;
    private final int tilesN;
    private final int tiles;

    Gemm(float[] a, float[] b, float[] c, int m, int n, int k, boolean transposeA, boolean transposeB) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.m = m;
        this.n = n;
        this.k = k;
        this.transposeA = transposeA;
        this.transposeB = transposeB;
        this.aRow = transposeA ? 1 : k;
        this.aCol = transposeA ? m : 1;
        this.tilesN = (n + NC - 1) / NC;
        this.tiles = ((m + MC - 1) / MC) * tilesN;
    }

    /** Computes C with the pool. */
    final void run(WorkerPool pool) {
        if (k == 0) {
            java.util.Arrays.fill(c, 0, m * n, 0f);
            return;
        }
        pool.parallelFor(tiles, 1, this);
    }

    @Override
    public final void range(int from, int to) {
        for (int t = from; t < to; t++) {
            int i0 = (t / tilesN) * MC;
            int j0 = (t % tilesN) * NC;
            int i1 = Math.min(m, i0 + MC);
            int j1 = Math.min(n, j0 + NC);
            if (transposeB) {
                tileDot(i0, i1, j0, j1);
            } else {
                for (int k0 = 0; k0 < k; k0 += KC) {
                    tile(i0, i1, j0, j1, k0, Math.min(k, k0 + KC));
                }
            }
        }
    }

    /**
     * C[i0:i1, j0:j1] (+)= op(A)[i0:i1, k0:k1] · B[k0:k1, j0:j1] for row-major B; the first
     * k block overwrites C. The scalar form: four rows of C at a time, the inner loop over
     * contiguous columns (which the JIT vectorizes where it can).
     */
    void tile(int i0, int i1, int j0, int j1, int k0, int k1) {
        boolean first = k0 == 0;
        int i = i0;
        for (; i + MR <= i1; i += MR) {
            int c0 = i * n;
            int c1 = c0 + n;
            int c2 = c1 + n;
            int c3 = c2 + n;
            if (first) {
                for (int j = j0; j < j1; j++) {
                    c[c0 + j] = 0;
                    c[c1 + j] = 0;
                    c[c2 + j] = 0;
                    c[c3 + j] = 0;
                }
            }
            for (int p = k0; p < k1; p++) {
                int ap = i * aRow + p * aCol;
                float a0 = a[ap];
                float a1 = a[ap + aRow];
                float a2 = a[ap + 2 * aRow];
                float a3 = a[ap + 3 * aRow];
                int bp = p * n;
                for (int j = j0; j < j1; j++) {
                    float bv = b[bp + j];
                    c[c0 + j] += a0 * bv;
                    c[c1 + j] += a1 * bv;
                    c[c2 + j] += a2 * bv;
                    c[c3 + j] += a3 * bv;
                }
            }
        }
        for (; i < i1; i++) {
            int c0 = i * n;
            if (first) {
                for (int j = j0; j < j1; j++) {
                    c[c0 + j] = 0;
                }
            }
            for (int p = k0; p < k1; p++) {
                float a0 = a[i * aRow + p * aCol];
                int bp = p * n;
                for (int j = j0; j < j1; j++) {
                    c[c0 + j] += a0 * b[bp + j];
                }
            }
        }
    }

    /** C[i, j] = op(A)[i, :] · B[j, :] for B stored [n, k] (the product with Bᵀ). */
    void tileDot(int i0, int i1, int j0, int j1) {
        for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                c[i * n + j] = dot(i, j);
            }
        }
    }

    final float dot(int i, int j) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int ap = i * aRow;
        int bp = j * k;
        int p = 0;
        if (aCol == 1) {
            for (; p + 4 <= k; p += 4) {
                s0 += a[ap + p] * b[bp + p];
                s1 += a[ap + p + 1] * b[bp + p + 1];
                s2 += a[ap + p + 2] * b[bp + p + 2];
                s3 += a[ap + p + 3] * b[bp + p + 3];
            }
        }
        for (; p < k; p++) {
            s0 += a[ap + p * aCol] * b[bp + p];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** A GEMM for these operands, vectorized when the Vector API is usable. */
    static Gemm create(boolean vector, int threads, float[] a, float[] b, float[] c, int m, int n, int k, boolean ta,
                       boolean tb) {
        if (vector) {
            return new VectorGemm(threads, a, b, c, m, n, k, ta, tb);
        }
        return new Gemm(a, b, c, m, n, k, ta, tb);
    }
}
