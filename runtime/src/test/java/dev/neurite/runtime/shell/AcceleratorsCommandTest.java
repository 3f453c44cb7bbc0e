package dev.neurite.runtime.shell;

import dev.neurite.runtime.accelerator.Accelerators;
import dev.neurite.runtime.accelerator.CpuFacts;
import dev.neurite.runtime.compute.JavaBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceleratorsCommandTest {

    @Test
    void listsDevicesHostFactsAndLimits() {
        NeuriteCommands commands = new NeuriteCommands();
        Accelerators registry = new Accelerators(CpuFacts.detect(), Accelerators.Limits.DEFAULT);
        try (JavaBackend java = new JavaBackend(1, false)) {
            registry.addBackend(java);
            commands.accelerators = registry;
            String out = commands.accelerators();
            assertTrue(out.lines().anyMatch(l -> l.startsWith("java:cpu:0") && l.contains(" 0/2 ")), out);
            assertTrue(out.contains("host CPU: "), out);
            assertTrue(out.contains("limits: 2 jobs per CPU, 1 per GPU, 80% of device memory"), out);
        }
    }
}
