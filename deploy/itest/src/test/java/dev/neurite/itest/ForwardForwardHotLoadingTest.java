package dev.neurite.itest;

import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forward-forward bundle installed into a running runtime: it is listed, trains a short
 * job, and uninstalling it mid-job cancels that job.
 */
class ForwardForwardHotLoadingTest {

    static final String ALGORITHM = "forward-forward";
    static final String SYMBOLIC_NAME = "dev.neurite.algorithm.forwardforward";

    @InjectBundleContext
    BundleContext context;
    @InjectService(timeout = 10_000)
    JobManager jobs;

    private Bundle bundle;

    @AfterEach
    void uninstall() throws Exception {
        if (bundle != null && bundle.getState() != Bundle.UNINSTALLED) {
            bundle.uninstall();
        }
    }

    private Collection<ServiceReference<TrainingAlgorithm>> services() throws Exception {
        Collection<ServiceReference<TrainingAlgorithm>> refs = context.getServiceReferences(TrainingAlgorithm.class,
                "(" + TrainingAlgorithm.NAME_PROPERTY + "=" + ALGORITHM + ")");
        return refs == null ? java.util.List.of() : refs;
    }

    @Test
    void installedItTrainsAndUninstalledMidJobItsJobIsCancelled() throws Exception {
        Path jar = Path.of(context.getProperty("neurite.test.bundles")).resolve("forward-forward.jar");
        try (InputStream in = Files.newInputStream(jar)) {
            bundle = context.installBundle("test:" + jar.toUri(), in);
        }
        bundle.start();
        Waits.until(() -> {
            try {
                return !services().isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, 10_000, "the forward-forward service");

        JobRequest shortJob = new JobRequest(ALGORITHM, "blobs/train", "blobs/test", null,
                Map.of("epochs", "1", "batchSize", "32", "negatives", "random"), 5, null, null);
        JobInfo done = Waits.job(jobs, Waits.submitWhenAccepted(jobs, shortJob).id(), j -> j.state().isTerminal(),
                60_000, "completion");
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());

        JobRequest longJob = new JobRequest(ALGORITHM, "mnist/train", null, null,
                Map.of("epochs", "20", "batchSize", "10"), 5, null, null);
        String id = Waits.submitWhenAccepted(jobs, longJob).id();
        Waits.job(jobs, id, j -> j.state() == JobState.RUNNING && j.progress() != null, 60_000, "progress");

        bundle.uninstall();
        JobInfo cancelled = jobs.get(id).orElseThrow();
        assertEquals(JobState.CANCELLED, cancelled.state(), cancelled.reason());
        assertTrue(cancelled.reason().contains(SYMBOLIC_NAME), cancelled.reason());
        assertTrue(services().isEmpty(), "the service is gone");
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> jobs.submit(shortJob));
        assertEquals("algorithm", refused.field());
    }
}
