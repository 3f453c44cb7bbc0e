package dev.neurite.runtime.compute;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerPoolTest {

    @Test
    void everyElementIsVisitedExactlyOnceAcrossManyBackToBackLoops() {
        int[] counts = new int[5000];
        int[] state = new int[1];
        WorkerPool.Task task = (from, to) -> {
            for (int i = from; i < to; i++) {
                counts[i]++;
            }
        };
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int rep = 0; rep < 200_000; rep++) {
                // Varying sizes, so consecutive loops have different chunk counts.
                int n = 1 + (rep * 7919) % counts.length;
                Arrays.fill(counts, 0, n, 0);
                pool.parallelFor(n, 64, task);
                for (int i = 0; i < n; i++) {
                    if (counts[i] != 1) {
                        state[0]++;
                    }
                }
            }
        }
        assertEquals(0, state[0], "elements not visited exactly once");
    }

    @Test
    void aFailingChunkFailsTheLoop() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> pool.parallelFor(1000, 10, (from, to) -> {
                        if (from == 0) {
                            throw new IllegalStateException("boom");
                        }
                    }));
            assertEquals("boom", e.getMessage());
            int[] sum = new int[1];
            pool.parallelFor(1, 1, (from, to) -> sum[0] += to - from);
            assertEquals(1, sum[0], "the pool still works after a failure");
        }
    }
}
