package dev.neurite.api.tensor;

/**
 * The numbers the random ops draw, defined once so that every backend draws the same values
 * for the same graph, seed and run count: equal seeds give equal runs on any backend.
 *
 * <p>Counter-based: element {@code i} of a random node in run {@code r} is a hash of
 * (node seed, r, i) with SplitMix64's finalizer, so any element can be computed alone and in
 * any order (backends fill ranges in parallel), and restoring the run count repeats a draw.
 */
public final class RandomDraws {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private RandomDraws() {
    }

    /** The seed of random node {@code t}: its own seed mixed with its position in the graph. */
    public static long nodeSeed(Tensor t) {
        return t.seed() ^ (0x5DEECE66DL * (t.id() + 1));
    }

    /** The stream of a node in one run; pass it to {@link #fill}. */
    public static long stream(long nodeSeed, long run) {
        return mix(nodeSeed ^ mix(run + 0x632BE59BD9B4E019L));
    }

    /**
     * Writes elements {@code [from, to)} of a draw of {@code op} (uniform, normal or
     * Bernoulli with the node's {@link Tensor#reals()}) from {@code stream} into {@code out}.
     */
    public static void fill(Op op, double[] reals, long stream, float[] out, int from, int to) {
        double p0 = reals[0];
        double p1 = reals.length > 1 ? reals[1] : 0;
        switch (op) {
            case RANDOM_UNIFORM -> {
                for (int i = from; i < to; i++) {
                    out[i] = (float) (p0 + (p1 - p0) * unit(mix(stream + i * GOLDEN)));
                }
            }
            case RANDOM_BERNOULLI -> {
                for (int i = from; i < to; i++) {
                    out[i] = unit(mix(stream + i * GOLDEN)) < p0 ? 1f : 0f;
                }
            }
            case RANDOM_NORMAL -> {
                for (int i = from; i < to; i++) {
                    long h = mix(stream + i * GOLDEN);
                    double u1 = 1.0 - unit(h);
                    double u2 = unit(mix(h ^ 0xD1B54A32D192ED03L));
                    out[i] = (float) (p0 + p1 * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
                }
            }
            default -> throw new IllegalArgumentException(op + " is not a random op");
        }
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A double in [0, 1) from the top 53 bits. */
    static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }
}
