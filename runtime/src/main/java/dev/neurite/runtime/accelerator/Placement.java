package dev.neurite.runtime.accelerator;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.tensor.Backend;

/**
 * Where a job runs: the device, the backend that drives it (null when the caller supplies
 * the Java backend itself), why it landed there, and the lease to give back when it ends.
 */
public record Placement(AcceleratorDescriptor device, Backend backend, String reason, AutoCloseable lease) {

    /** Gives the device's slot and memory back. */
    public void release() {
        try {
            lease.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
