package dev.neurite.api.data;

import java.util.SplittableRandom;

/**
 * The order in which a training run visits its examples: a shuffle per epoch, fixed by the
 * run's seed and the epoch number. Every learning rule that uses it sees the same batches for
 * the same seed, which makes rules comparable on equal terms, and a run restored from a
 * checkpoint at any step sees exactly the batches it would have seen.
 */
public final class EpochOrder {

    private final int size;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cached;

    public EpochOrder(int size, long seed) {
        if (size <= 0) {
            throw new IllegalArgumentException("a dataset to shuffle needs examples, got " + size);
        }
        this.size = size;
        this.seed = seed;
    }

    /**
     * The example indices of {@code epoch}, a permutation of {@code [0, size)}. The array is
     * reused while the epoch stays the same: callers read it and must not change it.
     */
    public int[] of(long epoch) {
        if (epoch != cachedEpoch) {
            int[] indices = cached == null ? new int[size] : cached;
            for (int i = 0; i < size; i++) {
                indices[i] = i;
            }
            // Fisher-Yates with a generator derived from seed and epoch (golden-ratio mixing).
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = indices[i];
                indices[i] = indices[j];
                indices[j] = t;
            }
            cached = indices;
            cachedEpoch = epoch;
        }
        return cached;
    }
}
