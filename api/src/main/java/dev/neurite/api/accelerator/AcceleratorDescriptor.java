package dev.neurite.api.accelerator;

/**
 * One compute device as a backend sees it.
 *
 * @param id            stable identifier, for example {@code java:cpu:0} or {@code tf:/device:GPU:0}
 * @param kind          CPU or GPU
 * @param name          human-readable model name
 * @param backend       backend that drives it, for example {@code java} or {@code tensorflow}
 * @param memoryBytes   memory available to jobs on it
 * @param cores         parallel compute units (CPU cores, GPU SMs)
 * @param simdWidthBits widest vector width the backend can use, 0 when unknown
 */
public record AcceleratorDescriptor(String id, AcceleratorKind kind, String name, String backend,
                                    long memoryBytes, int cores, int simdWidthBits) {
}
