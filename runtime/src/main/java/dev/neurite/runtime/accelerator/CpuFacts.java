package dev.neurite.runtime.accelerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the host CPU is: model, cores, SIMD feature flags and memory. Read with OSHI when its
 * bundle is present (an optional import), else from {@code /proc}, else from the JVM.
 *
 * @param model          the processor's marketing name
 * @param physicalCores  physical cores (logical when unknown)
 * @param logicalCores   hardware threads
 * @param simdFlags      the vector-extension flags among the CPU's feature flags (sse4_2, avx2, avx512f, neon, ...)
 * @param memoryBytes    physical memory
 * @param source         where the facts come from: {@code oshi}, {@code proc} or {@code jvm}
 */
public record CpuFacts(String model, int physicalCores, int logicalCores, List<String> simdFlags, long memoryBytes,
                       String source) {

    private static final List<String> SIMD = List.of("sse2", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f",
            "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "neon", "asimd", "sve", "sve2");

    /** The widest float vector the flags promise, in bits (0 when none is known). */
    public int simdWidthBits() {
        if (simdFlags.contains("avx512f")) {
            return 512;
        }
        if (simdFlags.contains("avx2") || simdFlags.contains("avx")) {
            return 256;
        }
        if (simdFlags.contains("sse2") || simdFlags.contains("neon") || simdFlags.contains("asimd")) {
            return 128;
        }
        return 0;
    }

    /** The facts of this host. */
    public static CpuFacts detect() {
        try {
            return OshiProbe.read();
        } catch (LinkageError | RuntimeException e) {
            // OSHI (or JNA) absent or unusable here
        }
        return fromProc();
    }

    static List<String> simd(List<String> flags) {
        return SIMD.stream().filter(flags::contains).toList();
    }

    static List<String> split(String flagLine) {
        return List.of(flagLine.toLowerCase(Locale.ROOT).trim().split("\\s+"));
    }

    static CpuFacts fromProc() {
        int logical = Runtime.getRuntime().availableProcessors();
        String model = System.getProperty("os.arch");
        List<String> flags = List.of();
        long memory = Runtime.getRuntime().maxMemory();
        String source = "jvm";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals(System.getProperty("os.arch"))) {
                    model = value;
                } else if ((key.equals("flags") || key.equals("Features")) && flags.isEmpty()) {
                    flags = split(value);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memory = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            source = "proc";
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new CpuFacts(model, logical, logical, simd(flags), memory, source);
    }

    /** OSHI calls, in a class of their own so that a missing OSHI fails only here. */
    private static final class OshiProbe {
        static CpuFacts read() {
            oshi.SystemInfo info = new oshi.SystemInfo();
            oshi.hardware.CentralProcessor cpu = info.getHardware().getProcessor();
            StringBuilder flags = new StringBuilder();
            for (String line : cpu.getFeatureFlags()) {
                int colon = line.indexOf(':');
                flags.append(' ').append(colon >= 0 ? line.substring(colon + 1) : line);
            }
            return new CpuFacts(cpu.getProcessorIdentifier().getName().trim(), cpu.getPhysicalProcessorCount(),
                    cpu.getLogicalProcessorCount(), simd(split(flags.toString())), info.getHardware().getMemory().getTotal(),
                    "oshi");
        }
    }
}
