package dev.neurite.api.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EpochOrderTest {

    @Test
    void eachEpochIsAPermutationFixedBySeedAndEpoch() {
        int[] first = new EpochOrder(1000, 42).of(3).clone();
        int[] sorted = first.clone();
        Arrays.sort(sorted);
        int[] identity = new int[1000];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted, "a permutation of all examples");
        assertFalse(Arrays.equals(identity, first), "shuffled");

        EpochOrder again = new EpochOrder(1000, 42);
        again.of(0);
        assertArrayEquals(first, again.of(3), "same seed and epoch, same order, whatever came before");
        assertFalse(Arrays.equals(first, new EpochOrder(1000, 42).of(4)), "epochs differ");
        assertFalse(Arrays.equals(first, new EpochOrder(1000, 43).of(3)), "seeds differ");
    }
}
