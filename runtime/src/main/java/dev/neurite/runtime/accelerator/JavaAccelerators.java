package dev.neurite.runtime.accelerator;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import org.osgi.service.component.annotations.Component;

import java.util.List;
import java.util.Optional;

/**
 * The always-present device: this JVM's CPUs driven by the pure-Java backend. Its memory is
 * the heap the JVM may grow to, since that is what Java-backend tensors live in.
 */
@Component(service = AcceleratorRegistry.class)
public class JavaAccelerators implements AcceleratorRegistry {

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
