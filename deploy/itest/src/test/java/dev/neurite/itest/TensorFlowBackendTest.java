package dev.neurite.itest;

import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelStore;
import dev.neurite.api.tensor.Backend;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TensorFlow bundle (real TF natives) installed into a running framework: it offers its
 * backend and devices, backprop trains MNIST on it through the job manager, stopping it cancels
 * the jobs on its device with the reason, and removing it while a job runs on the Java backend
 * leaves that job alone.
 */
class TensorFlowBackendTest {

    private static final String TF_CPU = "tf:/device:CPU:0";

    @InjectBundleContext
    BundleContext context;
    @InjectService(timeout = 10_000)
    JobManager jobs;
    @InjectService(timeout = 10_000)
    ModelStore models;
    @InjectService(timeout = 10_000)
    AcceleratorRegistry accelerators;

    private final List<Bundle> installed = new ArrayList<>();

    @AfterEach
    void uninstall() throws Exception {
        for (Bundle b : installed) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
    }

    private Bundle install(String name) throws Exception {
        Path jar = Path.of(context.getProperty("neurite.test.bundles")).resolve(name);
        Bundle b;
        try (InputStream in = Files.newInputStream(jar)) {
            b = context.installBundle("test:" + jar.toUri(), in);
        }
        installed.add(b);
        b.start();
        return b;
    }

    @Test
    void backpropTrainsMnistOnTensorFlowAndRemovingTheBundleSparesJavaJobs() throws Exception {
        Bundle tf = install("tensorflow.jar");
        install("backprop.jar");
        Waits.until(() -> accelerators.get(TF_CPU).isPresent(), 120_000, "the TF CPU device in the registry");
        ServiceReference<?>[] refs = context.getServiceReferences(Backend.class.getName(), "(neurite.backend=tensorflow)");
        assertTrue(refs != null && refs.length >= 1, "a tensorflow backend service");

        // A short MNIST run on TF, placed by device id: 784-256-10, one epoch of SGD with momentum.
        JobRequest mnist = new JobRequest("backprop", "mnist/train", "mnist/test", null,
                Map.of("epochs", "1", "batchSize", "128", "learningRate", "0.05", "momentum", "0.9"), 3, "itest-tf-mnist",
                TF_CPU);
        JobInfo submitted = Waits.submitWhenAccepted(jobs, mnist);
        JobInfo done = Waits.job(jobs, submitted.id(), j -> j.state().isTerminal(), 180_000, "completion");
        String log = String.join("\n", jobs.log(submitted.id()));
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason() + "\n" + log);
        assertEquals(TF_CPU, done.accelerator());
        assertTrue(log.contains("backprop on tensorflow"), log);
        ModelInfo model = models.list().stream().filter(m -> m.reference().equals(done.model())).findFirst()
                .orElseThrow();
        assertTrue(model.metrics().get("test.accuracy") >= 0.95, model.metrics().toString());

        // Stopping the TF bundle cancels a job running on its device, with the reason; it starts again.
        JobInfo long1 = Waits.submitWhenAccepted(jobs, new JobRequest("backprop", "mnist/train", null, null,
                Map.of("epochs", "50"), 6, null, TF_CPU));
        Waits.job(jobs, long1.id(), j -> j.state() == JobState.RUNNING && j.progress() != null, 60_000,
                "the TF job to make progress");
        tf.stop();
        JobInfo cancelled = Waits.job(jobs, long1.id(), j -> j.state().isTerminal(), 60_000, "the TF job to end");
        assertEquals(JobState.CANCELLED, cancelled.state(), cancelled.reason());
        assertTrue(cancelled.reason().contains("device " + TF_CPU + " was withdrawn"), cancelled.reason());
        tf.start();
        Waits.until(() -> accelerators.get(TF_CPU).isPresent(), 60_000, "the TF device back after a restart");

        // A Java job keeps running while the TF bundle goes away.
        JobRequest java = new JobRequest("backprop", "blobs/train", "blobs/test", null,
                Map.of("epochs", "40", "batchSize", "8"), 4, null, "java");
        JobInfo running = Waits.submitWhenAccepted(jobs, java);
        Waits.job(jobs, running.id(), j -> j.state() == JobState.RUNNING, 60_000, "the Java job to run");
        tf.uninstall();
        assertTrue(accelerators.get(TF_CPU).isEmpty(), "the TF device left with its bundle");
        JobInfo javaDone = Waits.job(jobs, running.id(), j -> j.state().isTerminal(), 120_000, "completion");
        assertEquals(JobState.SUCCEEDED, javaDone.state(), javaDone.reason());
        assertEquals("java:cpu:0", javaDone.accelerator());

        // Without TF, a job asking for TF falls back to Java and says so.
        JobInfo fallback = Waits.submitWhenAccepted(jobs, new JobRequest("backprop", "blobs/train", null, null,
                Map.of("epochs", "1"), 5, null, TF_CPU));
        JobInfo fallbackDone = Waits.job(jobs, fallback.id(), j -> j.state().isTerminal(), 60_000, "completion");
        assertEquals(JobState.SUCCEEDED, fallbackDone.state(), fallbackDone.reason());
        assertEquals("java:cpu:0", fallbackDone.accelerator());
        assertTrue(jobs.log(fallback.id()).stream().anyMatch(l -> l.contains(TF_CPU + " is not present")),
                String.join("\n", jobs.log(fallback.id())));
    }
}
