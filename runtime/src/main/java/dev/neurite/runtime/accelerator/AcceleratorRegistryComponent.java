package dev.neurite.runtime.accelerator;

import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.tensor.Backend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link AcceleratorRegistry} service: the host CPU (facts from OSHI when present) and
 * every device a {@link Backend} service contributes, tracked as backends come and go, with
 * per-device concurrency limits and memory budgets from configuration.
 */
@Component(service = {AcceleratorRegistry.class, Accelerators.class}, configurationPid = AcceleratorRegistryComponent.PID,
        immediate = true)
@Designate(ocd = AcceleratorRegistryComponent.Config.class)
public class AcceleratorRegistryComponent extends Accelerators {

    public static final String PID = "dev.neurite.accelerators";

    @ObjectClassDefinition(name = "Neurite accelerators", description = "Placement limits of compute devices")
    public @interface Config {
        @AttributeDefinition(name = "Jobs per CPU device", description = "Jobs that may run at once on one CPU device", min = "1")
        int cpuJobs() default 2;

        @AttributeDefinition(name = "Jobs per GPU device", description = "Jobs that may run at once on one GPU", min = "1")
        int gpuJobs() default 1;

        @AttributeDefinition(name = "Memory budget", description = "Fraction of a device's memory that jobs may reserve (their parameters, optimizer state and activations, estimated)", min = "0.01", max = "1")
        double memoryFraction() default 0.8;
    }

    @Activate
    public AcceleratorRegistryComponent(Config config) {
        super(CpuFacts.detect(), limits(config));
    }

    @Modified
    void modified(Config config) {
        setLimits(limits(config));
    }

    private static Limits limits(Config c) {
        return new Limits(Math.max(1, c.cpuJobs()), Math.max(1, c.gpuJobs()), Math.min(1, Math.max(0.01, c.memoryFraction())));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindBackend(Backend backend) {
        addBackend(backend);
    }

    void unbindBackend(Backend backend) {
        removeBackend(backend);
    }
}
