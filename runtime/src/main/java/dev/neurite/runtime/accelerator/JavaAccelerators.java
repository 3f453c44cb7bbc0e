package dev.neurite.runtime.accelerator;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.accelerator.AcceleratorRegistry;

import java.util.List;
import java.util.Optional;

/**
 * A registry of the Java CPU device alone, for engines used outside a framework (tests,
 * benchmarks). In the framework, {@link AcceleratorRegistryComponent} is the registry.
 */
public class JavaAccelerators implements AcceleratorRegistry {

    /** The id of the always-present device: this JVM's CPUs driven by the Java backend. */
    public static final String JAVA_CPU = "java:cpu:0";

    private final AcceleratorDescriptor cpu = new AcceleratorDescriptor(JAVA_CPU, AcceleratorKind.CPU,
            System.getProperty("os.arch") + " (" + Runtime.getRuntime().availableProcessors() + " cores)", "java",
            Runtime.getRuntime().maxMemory(), Runtime.getRuntime().availableProcessors(), 0);

    @Override
    public List<AcceleratorDescriptor> list() {
        return List.of(cpu);
    }

    @Override
    public Optional<AcceleratorDescriptor> get(String id) {
        return cpu.id().equals(id) ? Optional.of(cpu) : Optional.empty();
    }

    @Override
    public AcceleratorDescriptor defaultDevice() {
        return cpu;
    }
}
