package dev.neurite.runtime.accelerator;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.accelerator.AcceleratorUsage;
import dev.neurite.api.tensor.Backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The devices of this process and the jobs placed on them. The Java CPU device is always
 * present; backends contribute theirs (the TensorFlow bundle one per TF device) and take them
 * away when they go. Each device admits a limited number of concurrent jobs and reserves
 * their estimated memory against a budget, a fraction of the device's memory.
 */
public class Accelerators implements AcceleratorRegistry, Placer {

    /** Keywords a job may ask for instead of a device id. */
    public static final List<String> KINDS = List.of("cpu", "gpu", "java", "tensorflow", "tf");

    /**
     * @param cpuJobs        concurrent jobs per CPU device
     * @param gpuJobs        concurrent jobs per GPU device
     * @param memoryFraction fraction of a device's memory that jobs may reserve
     */
    public record Limits(int cpuJobs, int gpuJobs, double memoryFraction) {
        public static final Limits DEFAULT = new Limits(2, 1, 0.8);
    }

    /** A device with its backend and what is placed on it. */
    private static final class Device {
        AcceleratorDescriptor descriptor;
        Backend backend;
        int running;
        long reserved;

        Device(AcceleratorDescriptor descriptor, Backend backend) {
            this.descriptor = descriptor;
            this.backend = backend;
        }
    }

    private final CpuFacts cpu;
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private volatile Limits limits;

    public Accelerators(CpuFacts cpu, Limits limits) {
        this.cpu = cpu;
        this.limits = limits;
        devices.put(JavaAccelerators.JAVA_CPU, new Device(javaDescriptor(null), null));
    }

    /** The host CPU's facts. */
    public CpuFacts cpu() {
        return cpu;
    }

    public Limits limits() {
        return limits;
    }

    public void setLimits(Limits limits) {
        this.limits = limits;
    }

    private AcceleratorDescriptor javaDescriptor(Backend backend) {
        int simd = backend == null ? 0 : backend.device().simdWidthBits();
        return new AcceleratorDescriptor(JavaAccelerators.JAVA_CPU, AcceleratorKind.CPU, cpu.model(), "java",
                Runtime.getRuntime().maxMemory(), cpu.logicalCores(), simd);
    }

    /** A CPU device of another backend, described with the host's facts where it has none. */
    private AcceleratorDescriptor enrich(AcceleratorDescriptor d) {
        if (d.kind() != AcceleratorKind.CPU) {
            return d;
        }
        return new AcceleratorDescriptor(d.id(), d.kind(), d.name() + " on " + cpu.model(), d.backend(),
                d.memoryBytes() > 0 ? d.memoryBytes() : cpu.memoryBytes(), d.cores() > 0 ? d.cores() : cpu.logicalCores(),
                d.simdWidthBits() > 0 ? d.simdWidthBits() : cpu.simdWidthBits());
    }

    /** Adds the device of {@code backend} (the Java backend fills in the Java CPU device). */
    public synchronized void addBackend(Backend backend) {
        String id = backend.device().id();
        if (id.equals(JavaAccelerators.JAVA_CPU)) {
            Device java = devices.get(id);
            java.backend = backend;
            java.descriptor = javaDescriptor(backend);
            return;
        }
        Device existing = devices.get(id);
        if (existing != null) {
            existing.backend = backend;
            existing.descriptor = enrich(backend.device());
        } else {
            devices.put(id, new Device(enrich(backend.device()), backend));
        }
    }

    /** Removes the device of {@code backend}; jobs already placed there keep their backend object. */
    public synchronized void removeBackend(Backend backend) {
        String id = backend.device().id();
        Device d = devices.get(id);
        if (d == null || d.backend != backend) {
            return;
        }
        if (id.equals(JavaAccelerators.JAVA_CPU)) {
            d.backend = null;
            d.descriptor = javaDescriptor(null);
        } else {
            devices.remove(id);
        }
    }

    /** The backend driving device {@code id}, if one is registered. */
    public synchronized Optional<Backend> backend(String id) {
        Device d = devices.get(id);
        return d == null ? Optional.empty() : Optional.ofNullable(d.backend);
    }

    @Override
    public synchronized List<AcceleratorDescriptor> list() {
        List<AcceleratorDescriptor> all = new ArrayList<>();
        devices.values().forEach(d -> all.add(d.descriptor));
        all.sort(Comparator.comparing((AcceleratorDescriptor d) -> d.kind() == AcceleratorKind.GPU)
                .thenComparing(d -> !d.id().equals(JavaAccelerators.JAVA_CPU)).thenComparing(AcceleratorDescriptor::id));
        return all;
    }

    @Override
    public synchronized Optional<AcceleratorDescriptor> get(String id) {
        Device d = devices.get(id);
        return d == null ? Optional.empty() : Optional.of(d.descriptor);
    }

    @Override
    public synchronized AcceleratorDescriptor defaultDevice() {
        return devices.get(JavaAccelerators.JAVA_CPU).descriptor;
    }

    /** Jobs running on device {@code id} now. */
    public synchronized int running(String id) {
        Device d = devices.get(id);
        return d == null ? 0 : d.running;
    }

    /** Bytes reserved by jobs on device {@code id} now. */
    public synchronized long reserved(String id) {
        Device d = devices.get(id);
        return d == null ? 0 : d.reserved;
    }

    @Override
    public synchronized Optional<AcceleratorUsage> usage(String id) {
        Device d = devices.get(id);
        return d == null ? Optional.empty()
                : Optional.of(new AcceleratorUsage(d.running, slots(d.descriptor), d.reserved, budget(d.descriptor)));
    }

    /** The concurrency limit of a device. */
    public int slots(AcceleratorDescriptor d) {
        return d.kind() == AcceleratorKind.GPU ? limits.gpuJobs() : limits.cpuJobs();
    }

    /** The memory jobs may reserve on a device. */
    public long budget(AcceleratorDescriptor d) {
        return (long) (d.memoryBytes() * limits.memoryFraction());
    }

    @Override
    public synchronized boolean understands(String requested) {
        if (requested == null || requested.isBlank()) {
            return true;
        }
        String r = requested.trim();
        return KINDS.contains(r.toLowerCase(Locale.ROOT)) || devices.containsKey(r) || r.startsWith("tf:");
    }

    private List<String> ids(String backend, AcceleratorKind kind) {
        return devices.values().stream().map(d -> d.descriptor)
                .filter(d -> d.backend().equals(backend) && d.kind() == kind).map(AcceleratorDescriptor::id).sorted()
                .toList();
    }

    /** The devices to try for a request, best first, ending with the fallback chain. */
    synchronized List<String> order(String requested) {
        String r = requested == null ? "" : requested.trim();
        String java = JavaAccelerators.JAVA_CPU;
        List<String> tfGpus = ids("tensorflow", AcceleratorKind.GPU);
        List<String> tfCpus = ids("tensorflow", AcceleratorKind.CPU);
        List<String> out = new ArrayList<>();
        switch (r.toLowerCase(Locale.ROOT)) {
            case "", "java" -> out.add(java);
            case "cpu" -> {
                out.add(java);
                out.addAll(tfCpus);
            }
            case "gpu", "tensorflow", "tf" -> {
                out.addAll(tfGpus);
                out.addAll(tfCpus);
                out.add(java);
            }
            default -> {
                out.add(r);
                Device d = devices.get(r);
                boolean gpu = d != null ? d.descriptor.kind() == AcceleratorKind.GPU : r.contains("GPU");
                boolean tf = d != null ? !r.equals(java) : r.startsWith("tf:");
                if (gpu) {
                    out.addAll(tfGpus);
                }
                if (tf) {
                    out.addAll(tfCpus);
                }
                out.add(java);
            }
        }
        return out.stream().distinct().toList();
    }

    @Override
    public synchronized Placement place(String requested, long memoryBytes) throws NoDeviceException {
        List<String> notes = new ArrayList<>();
        if (requested != null && requested.trim().equalsIgnoreCase("gpu") && ids("tensorflow", AcceleratorKind.GPU).isEmpty()) {
            notes.add("no GPU is present");
        }
        for (String id : order(requested)) {
            Device d = devices.get(id);
            if (d == null) {
                notes.add(id + " is not present");
                continue;
            }
            int slots = slots(d.descriptor);
            if (d.running >= slots) {
                notes.add(id + " is busy (" + d.running + "/" + slots + " jobs)");
                continue;
            }
            long budget = budget(d.descriptor);
            if (d.reserved + memoryBytes > budget) {
                notes.add(id + " lacks memory (needs " + mib(memoryBytes) + ", " + mib(budget - d.reserved)
                        + " of " + mib(budget) + " left)");
                continue;
            }
            d.running++;
            d.reserved += memoryBytes;
            String asked = requested == null || requested.isBlank() ? "the default device" : "'" + requested + "'";
            String reason = notes.isEmpty() ? "placed on " + id + " (asked for " + asked + ")"
                    : "fell back to " + id + " (asked for " + asked + "): " + String.join("; ", notes);
            Device placed = d;
            long bytes = memoryBytes;
            boolean[] released = new boolean[1];
            AutoCloseable lease = () -> {
                synchronized (Accelerators.this) {
                    if (!released[0]) {
                        released[0] = true;
                        placed.running--;
                        placed.reserved -= bytes;
                    }
                }
            };
            return new Placement(d.descriptor, d.backend, reason, lease);
        }
        throw new NoDeviceException("no device can take the job now: " + String.join("; ", notes));
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
