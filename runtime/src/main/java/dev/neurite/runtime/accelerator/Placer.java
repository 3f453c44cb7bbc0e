package dev.neurite.runtime.accelerator;

/** Places jobs on devices, within each device's concurrency limit and memory budget. */
public interface Placer {

    /**
     * Whether {@code requested} names something placement understands: a device id, a kind
     * ({@code cpu}, {@code gpu}), a backend ({@code java}, {@code tensorflow}), or a TF device
     * id that may be absent now (the job then falls back).
     */
    boolean understands(String requested);

    /**
     * Takes a slot on the first device of the fallback order for {@code requested} (null: the
     * default device) that is present, has a free slot and {@code memoryBytes} left in its
     * budget. Order: the requested device or kind, then GPU → TF CPU → Java.
     *
     * @throws NoDeviceException when every candidate is absent, busy or out of memory
     */
    Placement place(String requested, long memoryBytes) throws NoDeviceException;

    /** No device can take a job now. */
    final class NoDeviceException extends Exception {
        public NoDeviceException(String message) {
            super(message);
        }
    }
}
