package dev.neurite.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared MNIST-family datasets the build points the tests at. */
public final class TestData {

    private TestData() {
    }

    /** The datasets root (holding {@code mnist/}, {@code fashion-mnist/} and {@code SHA256SUMS}). */
    public static Path datasets() {
        String configured = System.getProperty("neurite.datasets");
        if (configured == null) {
            throw new IllegalStateException("system property neurite.datasets is not set; run the tests through Maven");
        }
        Path root = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("mnist/t10k-images-idx3-ubyte.gz"))) {
            throw new IllegalStateException("no MNIST under " + root + "; the shared datasets must sit beside the checkout");
        }
        return root;
    }
}
