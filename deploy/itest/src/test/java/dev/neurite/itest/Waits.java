package dev.neurite.itest;

import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobManager;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** Polling with a deadline, for conditions that other threads make true. */
final class Waits {

    private Waits() {
    }

    static void until(BooleanSupplier condition, long timeoutMillis, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(25);
        }
    }

    /**
     * Submits once the manager knows the algorithm: a just-started bundle registers its service
     * asynchronously, and a reconfigured manager re-registers, so a first refusal can be transient.
     */
    static JobInfo submitWhenAccepted(JobManager jobs, JobRequest request) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                return jobs.submit(request);
            } catch (InvalidRequestException e) {
                if (!"algorithm".equals(e.field()) || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    static JobInfo job(JobManager jobs, String id, Predicate<JobInfo> condition, long timeoutMillis, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            JobInfo info = jobs.get(id).orElseThrow();
            if (condition.test(info)) {
                return info;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting for " + what + "; job is " + info);
            }
            Thread.sleep(25);
        }
    }
}
