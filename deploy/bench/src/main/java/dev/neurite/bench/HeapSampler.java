package dev.neurite.bench;

import java.lang.management.ManagementFactory;

/** Samples the heap in use on a daemon thread and keeps the largest value. */
final class HeapSampler {
    private volatile boolean running = true;
    private volatile long peak;

    /** @param periodMillis sampling period */
    HeapSampler(long periodMillis) {
        Thread thread = new Thread(() -> {
            while (running) {
                peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
    }

    long peak() {
        return peak;
    }
}
