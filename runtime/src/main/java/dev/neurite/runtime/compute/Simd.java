package dev.neurite.runtime.compute;

/**
 * Whether {@code jdk.incubator.vector} can be used: the JVM must have been started with
 * {@code --add-modules jdk.incubator.vector} (and, in a framework, the package wired). The
 * system property {@code neurite.compute.vector=false} turns it off.
 */
final class Simd {

    private static final int LANES = probe();

    private Simd() {
    }

    private static int probe() {
        if ("false".equalsIgnoreCase(System.getProperty("neurite.compute.vector"))) {
            return 0;
        }
        try {
            return VectorGemm.lanes();
        } catch (LinkageError | SecurityException e) {
            // NoClassDefFoundError when the module is absent: the scalar kernels serve.
            return 0;
        }
    }

    /** Whether the vector kernels are usable. */
    static boolean available() {
        return LANES > 1;
    }

    /** Float lanes of the vector kernels, 0 when unusable. */
    static int floatLanes() {
        return LANES;
    }
}
