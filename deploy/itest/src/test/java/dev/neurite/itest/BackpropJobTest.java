package dev.neurite.itest;

import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backprop bundle installed into a running framework trains a job through the job
 * manager, computing on the backend the runtime hands it.
 */
class BackpropJobTest {

    @InjectBundleContext
    BundleContext context;
    @InjectService(timeout = 10_000)
    JobManager jobs;
    @InjectService(timeout = 10_000)
    ModelStore models;

    private Bundle bundle;

    @AfterEach
    void uninstall() throws Exception {
        if (bundle != null && bundle.getState() != Bundle.UNINSTALLED) {
            bundle.uninstall();
        }
    }

    @Test
    void backpropTrainsAnMlpJobToAnAccurateModel() throws Exception {
        Path jar = Path.of(context.getProperty("neurite.test.bundles")).resolve("backprop.jar");
        try (InputStream in = Files.newInputStream(jar)) {
            bundle = context.installBundle("test:" + jar.toUri(), in);
        }
        bundle.start();
        JobRequest request = new JobRequest("backprop", "blobs/train", "blobs/test", null,
                Map.of("epochs", "3", "batchSize", "32", "optimizer", "adam", "learningRate", "0.01"), 5,
                "itest-backprop", null);
        JobInfo submitted = Waits.submitWhenAccepted(jobs, request);
        JobInfo done = Waits.job(jobs, submitted.id(), j -> j.state().isTerminal(), 60_000, "completion");
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
        assertTrue(jobs.log(submitted.id()).stream().anyMatch(l -> l.contains("backprop on java")),
                String.join("\n", jobs.log(submitted.id())));
        ModelInfo model = models.list().stream().filter(m -> m.name().equals("itest-backprop")).findFirst().orElseThrow();
        assertTrue(model.metrics().get("test.accuracy") > 0.9, model.metrics().toString());
    }
}
