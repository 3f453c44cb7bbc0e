package dev.neurite.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/** The TF benchmark in its tiny form (real TF natives), so that the build keeps it working. */
class TfBenchSmokeTest {

    @Test
    void smokeRunCompletes() {
        assertDoesNotThrow(() -> TfBench.main(new String[] {"--data", System.getProperty("neurite.datasets"), "--smoke"}));
    }
}
