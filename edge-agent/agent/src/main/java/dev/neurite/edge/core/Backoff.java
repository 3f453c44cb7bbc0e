package dev.neurite.edge.core;

import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential growth from {@code min} to {@code max} with "full jitter"
 * (a uniform draw below the current ceiling, never under {@code min}), so a fleet that lost
 * its broker together does not come back in lock step.
 */
public final class Backoff {

    private final long min;
    private final long max;
    private final DoubleSupplier random;
    private int attempt;

    public Backoff(long minMillis, long maxMillis, DoubleSupplier random) {
        this.min = Math.max(1, minMillis);
        this.max = Math.max(this.min, maxMillis);
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public synchronized long next() {
        double ceiling = Math.min(max, min * Math.pow(2, Math.min(attempt, 30)));
        attempt++;
        return min + (long) (random.getAsDouble() * (ceiling - min));
    }

    /** A connection succeeded: start again from the minimum. */
    public synchronized void reset() {
        attempt = 0;
    }
}
