package dev.neurite.api.accelerator;

import org.osgi.annotation.versioning.ProviderType;

import java.util.List;
import java.util.Optional;

/** The devices jobs can run on. */
@ProviderType
public interface AcceleratorRegistry {

    /** Every device known now, CPU first. */
    List<AcceleratorDescriptor> list();

    /** The device with this id. */
    Optional<AcceleratorDescriptor> get(String id);

    /** The device used when a job asks for none: always present. */
    AcceleratorDescriptor defaultDevice();

    /**
     * How much of device {@code id} jobs hold now; empty when the device is unknown or the
     * registry does not track placements.
     */
    default Optional<AcceleratorUsage> usage(String id) {
        return Optional.empty();
    }
}
