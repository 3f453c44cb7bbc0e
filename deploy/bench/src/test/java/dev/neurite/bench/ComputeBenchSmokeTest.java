package dev.neurite.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark in its tiny form, so that the build keeps it working; the real run is by hand. */
class ComputeBenchSmokeTest {

    @Test
    void smokeRunCompletes() throws Exception {
        ComputeBench.run(Path.of(System.getProperty("neurite.datasets")), 1, 2, true, true);
        assertTrue(ComputeBench.gemm(new dev.neurite.runtime.compute.JavaBackend(1, false), 32, false, false) > 0);
    }
}
