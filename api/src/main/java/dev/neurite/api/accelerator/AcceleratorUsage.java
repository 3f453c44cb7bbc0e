package dev.neurite.api.accelerator;

/**
 * What the jobs placed on one device hold now, against that device's limits.
 *
 * @param runningJobs   jobs running on the device
 * @param jobSlots      jobs the device may run at once
 * @param reservedBytes memory reserved by those jobs (their estimate)
 * @param budgetBytes   memory jobs may reserve on the device in all
 */
public record AcceleratorUsage(int runningJobs, int jobSlots, long reservedBytes, long budgetBytes) {

    /** Fraction of the job slots in use, 0 to 1. */
    public double slotUtilisation() {
        return jobSlots <= 0 ? 0 : Math.min(1.0, (double) runningJobs / jobSlots);
    }

    /** Fraction of the memory budget reserved, 0 to 1. */
    public double memoryUtilisation() {
        return budgetBytes <= 0 ? 0 : Math.min(1.0, (double) reservedBytes / budgetBytes);
    }
}
