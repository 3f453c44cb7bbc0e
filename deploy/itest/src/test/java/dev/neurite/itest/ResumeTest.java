package dev.neurite.itest;

import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.util.tracker.ServiceTracker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job survives a restart of the job manager and continues from its checkpoint. */
class ResumeTest {

    @InjectBundleContext
    BundleContext context;
    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    private Bundle algorithmBundle;

    @AfterEach
    void cleanUp() throws Exception {
        if (algorithmBundle != null && algorithmBundle.getState() != Bundle.UNINSTALLED) {
            algorithmBundle.uninstall();
        }
        // Deleting the configuration restarts the job manager component (it has no modified
        // method); wait for the new registration so the next test does not get the old one.
        long before = jobManagerServiceId();
        Configuration config = configAdmin.getConfiguration("dev.neurite.jobs", "?");
        config.delete();
        Waits.until(() -> jobManagerServiceId() > before, 30_000, "the job manager re-registered without the test's configuration");
    }

    private long jobManagerServiceId() {
        ServiceReference<JobManager> ref = context.getServiceReference(JobManager.class);
        return ref == null ? -1 : (Long) ref.getProperty(Constants.SERVICE_ID);
    }

    private JobManager currentJobManager() throws InterruptedException {
        ServiceTracker<JobManager, JobManager> tracker = new ServiceTracker<>(context, JobManager.class, null);
        tracker.open();
        try {
            JobManager jobs = tracker.waitForService(10_000);
            assertNotNull(jobs, "a job manager is registered");
            return jobs;
        } finally {
            tracker.close();
        }
    }

    @Test
    void aJobResumesFromItsCheckpointAfterTheRuntimeBundleRestarts() throws Exception {
        Configuration config = configAdmin.getConfiguration("dev.neurite.jobs", "?");
        config.update(new Hashtable<>(Map.of("checkpointEverySteps", 500L)));
        algorithmBundle = HotLoadingTest.install(context);
        // Configuration arrives asynchronously and restarts the component: submit to whichever
        // manager is current once it accepts, then check the checkpoint cadence took effect.
        JobRequest request = new JobRequest(HotLoadingTest.ALGORITHM, "mnist/train", "mnist/test", null,
                Map.of("epochs", "3", "batchSize", "1"), 11, "itest-resumed", null);
        Path home = Path.of(context.getProperty("neurite.home"));
        JobManager jobs = currentJobManager();
        String id = Waits.submitWhenAccepted(jobs, request).id();
        Path checkpoint = home.resolve("jobs").resolve(id).resolve("checkpoint.safetensors");
        JobManager running = currentJobManager();
        Waits.job(running, id, j -> j.progress() != null && j.progress().step() >= 2000 && Files.exists(checkpoint),
                120_000, "a checkpoint after step 2000");

        Bundle runtime = FrameworkUtil.getBundle(running.getClass());
        assertEquals("dev.neurite.runtime", runtime.getSymbolicName());
        runtime.stop();
        runtime.start();

        JobManager restarted = currentJobManager();
        JobInfo resumed = Waits.job(restarted, id, j -> j.resumedFromStep() > 0 || j.state().isTerminal(), 60_000, "resumption");
        assertTrue(resumed.resumedFromStep() >= 2000, "resumed from step " + resumed.resumedFromStep() + ": " + resumed.reason());
        assertTrue(restarted.log(id).stream().anyMatch(l -> l.contains("resumed from checkpoint at step " + resumed.resumedFromStep())),
                String.join("\n", restarted.log(id)));
        JobInfo cancelled = restarted.cancel(id, "enough").orElseThrow();
        assertTrue(cancelled.state() == JobState.CANCELLED || cancelled.state() == JobState.SUCCEEDED, cancelled.toString());
    }
}
