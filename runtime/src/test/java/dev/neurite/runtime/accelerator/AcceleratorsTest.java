package dev.neurite.runtime.accelerator;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.accelerator.AcceleratorUsage;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceleratorsTest {

    /** A backend that only describes a device: placement never computes. */
    record FakeBackend(AcceleratorDescriptor device) implements Backend {
        @Override
        public String name() {
            return device.backend();
        }

        @Override
        public GraphInstance open(Graph graph) {
            throw new UnsupportedOperationException();
        }
    }

    private static final CpuFacts CPU = new CpuFacts("Test CPU", 2, 4, List.of("avx2", "avx512f"), 8L << 30, "test");
    private static final long GIB = 1L << 30;

    private static FakeBackend tf(String name, AcceleratorKind kind, long memory) {
        return new FakeBackend(new AcceleratorDescriptor("tf:/device:" + name, kind, "TF " + name, "tensorflow", memory,
                kind == AcceleratorKind.CPU ? 4 : 100, 0));
    }

    @Test
    void hostFactsAreRead() {
        CpuFacts facts = CpuFacts.detect();
        assertTrue(facts.logicalCores() >= 1);
        assertTrue(facts.memoryBytes() > 0);
        assertFalse(facts.model().isBlank());
        assertEquals("oshi", facts.source(), "OSHI is on the test class path");
        assertEquals(512, CPU.simdWidthBits());
    }

    @Test
    void javaCpuIsAlwaysThereAndBackendsAddDevices() {
        Accelerators a = new Accelerators(CPU, Accelerators.Limits.DEFAULT);
        assertEquals(List.of(JavaAccelerators.JAVA_CPU), a.list().stream().map(AcceleratorDescriptor::id).toList());
        FakeBackend gpu = tf("GPU:0", AcceleratorKind.GPU, 16 * GIB);
        FakeBackend cpu = tf("CPU:0", AcceleratorKind.CPU, 0);
        a.addBackend(gpu);
        a.addBackend(cpu);
        assertEquals(List.of("java:cpu:0", "tf:/device:CPU:0", "tf:/device:GPU:0"),
                a.list().stream().map(AcceleratorDescriptor::id).toList());
        AcceleratorDescriptor tfCpu = a.get("tf:/device:CPU:0").orElseThrow();
        assertEquals(512, tfCpu.simdWidthBits(), "CPU devices get the host's SIMD width");
        assertEquals(CPU.memoryBytes(), tfCpu.memoryBytes());
        a.removeBackend(gpu);
        assertTrue(a.get("tf:/device:GPU:0").isEmpty());
    }

    @Test
    void fallsBackFromGpuToTfCpuToJavaWithTheReason() throws Exception {
        Accelerators a = new Accelerators(CPU, new Accelerators.Limits(1, 1, 0.5));
        FakeBackend cpu = tf("CPU:0", AcceleratorKind.CPU, 0);
        a.addBackend(cpu);
        Placement first = a.place("gpu", 1000);
        assertEquals("tf:/device:CPU:0", first.device().id());
        assertSame(cpu, first.backend());
        assertTrue(first.reason().contains("fell back") , first.reason());
        Placement second = a.place("gpu", 1000);
        assertEquals("java:cpu:0", second.device().id());
        assertTrue(second.reason().contains("tf:/device:CPU:0 is busy (1/1 jobs)"), second.reason());
        Placer.NoDeviceException none = assertThrows(Placer.NoDeviceException.class, () -> a.place("gpu", 1000));
        assertTrue(none.getMessage().contains("java:cpu:0 is busy"), none.getMessage());
        first.release();
        first.release(); // idempotent
        assertEquals(0, a.running("tf:/device:CPU:0"));
        assertEquals("tf:/device:CPU:0", a.place("tf:/device:CPU:0", 1000).device().id());
    }

    @Test
    void usageReportsSlotsAndReservedMemoryOfEachDevice() throws Exception {
        Accelerators a = new Accelerators(CPU, new Accelerators.Limits(2, 1, 0.5));
        a.addBackend(tf("GPU:0", AcceleratorKind.GPU, 4 * GIB));
        Placement job = a.place("tf:/device:GPU:0", GIB);
        AcceleratorUsage gpu = a.usage("tf:/device:GPU:0").orElseThrow();
        assertEquals(new AcceleratorUsage(1, 1, GIB, 2 * GIB), gpu);
        assertEquals(1.0, gpu.slotUtilisation());
        assertEquals(0.5, gpu.memoryUtilisation());
        assertEquals(2, a.usage("java:cpu:0").orElseThrow().jobSlots());
        assertEquals(0, a.usage("java:cpu:0").orElseThrow().runningJobs());
        assertTrue(a.usage("tf:/device:GPU:9").isEmpty());
        job.release();
        assertEquals(0, a.usage("tf:/device:GPU:0").orElseThrow().runningJobs());
    }

    @Test
    void memoryBudgetIsEnforcedPerDevice() throws Exception {
        Accelerators a = new Accelerators(CPU, new Accelerators.Limits(4, 4, 0.5));
        long need = Math.min(GIB, a.budget(a.defaultDevice()));
        a.addBackend(tf("GPU:0", AcceleratorKind.GPU, 3 * need));
        Placement fits = a.place("tf:/device:GPU:0", need);
        assertEquals("tf:/device:GPU:0", fits.device().id());
        assertTrue(fits.reason().startsWith("placed on"), fits.reason());
        Placement over = a.place("tf:/device:GPU:0", need);
        assertTrue(over.reason().contains("tf:/device:GPU:0 lacks memory"), over.reason());
        assertEquals("java:cpu:0", over.device().id());
        fits.release();
        assertEquals(0, a.reserved("tf:/device:GPU:0"));
    }

    @Test
    void requestsByKindOrIdAreUnderstood() {
        Accelerators a = new Accelerators(CPU, Accelerators.Limits.DEFAULT);
        assertTrue(a.understands(null));
        assertTrue(a.understands("gpu"));
        assertTrue(a.understands("java:cpu:0"));
        assertTrue(a.understands("tf:/device:GPU:0"), "a TF device may come later: the job falls back");
        assertFalse(a.understands("quantum:0"));
        assertEquals(List.of("tf:/device:GPU:1", "java:cpu:0"), a.order("tf:/device:GPU:1"));
    }
}
