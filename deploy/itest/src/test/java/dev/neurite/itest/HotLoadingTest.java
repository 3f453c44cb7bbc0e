package dev.neurite.itest;

import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.data.DatasetRegistry;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobEvents;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Installing, stopping, updating and uninstalling an algorithm bundle in a running runtime. */
class HotLoadingTest {

    static final String ALGORITHM = "softmax-regression";
    static final String SYMBOLIC_NAME = "dev.neurite.algorithm.softmax";

    @InjectBundleContext
    BundleContext context;
    @InjectService(timeout = 10_000)
    JobManager jobs;
    @InjectService(timeout = 10_000)
    ModelStore models;
    @InjectService(timeout = 10_000)
    DatasetRegistry datasets;

    private Bundle algorithmBundle;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private ServiceRegistration<EventHandler> handler;

    static Path algorithmJar(BundleContext context) {
        return Path.of(context.getProperty("neurite.test.bundles")).resolve("softmax-regression.jar");
    }

    static Bundle install(BundleContext context) throws Exception {
        Path jar = algorithmJar(context);
        try (InputStream in = Files.newInputStream(jar)) {
            Bundle bundle = context.installBundle("test:" + jar.toUri(), in);
            bundle.start();
            return bundle;
        }
    }

    static Collection<ServiceReference<TrainingAlgorithm>> algorithmServices(BundleContext context) throws Exception {
        return context.getServiceReferences(TrainingAlgorithm.class, "(" + TrainingAlgorithm.NAME_PROPERTY + "=" + ALGORITHM + ")");
    }

    @BeforeEach
    void listen() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, JobEvents.TOPIC_PREFIX + "*");
        handler = context.registerService(EventHandler.class, events::add, props);
    }

    @AfterEach
    void cleanUp() throws Exception {
        handler.unregister();
        if (algorithmBundle != null && algorithmBundle.getState() != Bundle.UNINSTALLED) {
            algorithmBundle.uninstall();
        }
    }

    private JobRequest blobs(int epochs, String modelName) {
        return new JobRequest(ALGORITHM, "blobs/train", "blobs/test", null, Map.of("epochs", Integer.toString(epochs)), 7,
                modelName, null);
    }

    /** Long enough to act on while it runs: single-example steps over all of MNIST. */
    private JobRequest longMnistJob() {
        return new JobRequest(ALGORITHM, "mnist/train", null, null, Map.of("epochs", "50", "batchSize", "1"), 7, null, null);
    }

    private JobInfo awaitRunningWithProgress(String id) throws InterruptedException {
        return Waits.job(jobs, id, j -> j.state() == JobState.RUNNING && j.progress() != null, 60_000, "progress");
    }

    @Test
    void theRuntimeServesDatasetsFromTheSharedDirectory() {
        List<String> names = datasets.list().stream().map(d -> d.name()).toList();
        assertTrue(names.contains("mnist/train") && names.contains("fashion-mnist/test"), names.toString());
    }

    @Test
    void anInstalledAlgorithmIsAvailableAtOnceAndTrainsAJobToItsModel() throws Exception {
        assertThrows(InvalidRequestException.class, () -> jobs.submit(blobs(1, null)), "not installed yet");
        algorithmBundle = install(context);
        Waits.until(() -> {
            try {
                return algorithmServices(context) != null && !algorithmServices(context).isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, 10_000, "the algorithm service");

        JobInfo submitted = Waits.submitWhenAccepted(jobs, blobs(3, "itest-blobs"));
        JobInfo done = Waits.job(jobs, submitted.id(), j -> j.state().isTerminal(), 60_000, "completion");
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
        ModelInfo model = models.list().stream().filter(m -> m.name().equals("itest-blobs")).findFirst().orElseThrow();
        assertTrue(model.metrics().get("test.accuracy") > 0.9, model.metrics().toString());

        Waits.until(() -> events.stream().anyMatch(e -> submitted.id().equals(e.getProperty(JobEvents.JOB_ID))
                && "SUCCEEDED".equals(e.getProperty(JobEvents.STATE))), 5_000, "the SUCCEEDED event");
        List<Double> losses = events.stream().filter(e -> e.getTopic().equals(JobEvents.TOPIC_PROGRESS)
                && submitted.id().equals(e.getProperty(JobEvents.JOB_ID))).map(e -> (Double) e.getProperty(JobEvents.LOSS)).toList();
        assertTrue(losses.size() >= 3 && losses.get(losses.size() - 1) < losses.get(0), "loss falls: " + losses);
    }

    @Test
    void uninstallingTheBundleMidJobCancelsTheJobAndTheRuntimeStaysHealthy() throws Exception {
        algorithmBundle = install(context);
        String id = Waits.submitWhenAccepted(jobs, longMnistJob()).id();
        awaitRunningWithProgress(id);

        algorithmBundle.uninstall();
        JobInfo cancelled = jobs.get(id).orElseThrow();
        assertEquals(JobState.CANCELLED, cancelled.state(), cancelled.reason());
        assertTrue(cancelled.reason().contains(SYMBOLIC_NAME) && cancelled.reason().contains("withdrawn"), cancelled.reason());
        assertTrue(algorithmServices(context) == null || algorithmServices(context).isEmpty());

        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> jobs.submit(blobs(1, null)));
        assertEquals("algorithm", refused.field());

        algorithmBundle = install(context);
        JobInfo again = Waits.submitWhenAccepted(jobs, blobs(1, null));
        assertEquals(JobState.SUCCEEDED, Waits.job(jobs, again.id(), j -> j.state().isTerminal(), 60_000, "completion").state());
    }

    @Test
    void stoppingTheBundleMidJobCancelsTheJob() throws Exception {
        algorithmBundle = install(context);
        String id = Waits.submitWhenAccepted(jobs, longMnistJob()).id();
        awaitRunningWithProgress(id);
        algorithmBundle.stop();
        JobInfo cancelled = jobs.get(id).orElseThrow();
        assertEquals(JobState.CANCELLED, cancelled.state(), cancelled.reason());
        assertTrue(cancelled.reason().contains("stopped, updated or uninstalled"), cancelled.reason());
    }

    @Test
    void anUpdatedBundleServesNewJobs() throws Exception {
        algorithmBundle = install(context);
        Waits.submitWhenAccepted(jobs, blobs(1, null));
        long before = (Long) algorithmServices(context).iterator().next().getProperty("service.id");
        String running = jobs.submit(longMnistJob()).id();
        awaitRunningWithProgress(running);

        try (InputStream in = Files.newInputStream(algorithmJar(context))) {
            algorithmBundle.update(in);
        }
        JobInfo old = jobs.get(running).orElseThrow();
        assertEquals(JobState.CANCELLED, old.state(), "the job of the replaced bundle ends: " + old.reason());

        Waits.until(() -> {
            try {
                var refs = algorithmServices(context);
                return refs != null && !refs.isEmpty() && (Long) refs.iterator().next().getProperty("service.id") != before;
            } catch (Exception e) {
                return false;
            }
        }, 10_000, "the updated algorithm service");
        long after = (Long) algorithmServices(context).iterator().next().getProperty("service.id");
        assertNotEquals(before, after);
        JobInfo fresh = Waits.submitWhenAccepted(jobs, blobs(1, null));
        assertEquals(JobState.SUCCEEDED, Waits.job(jobs, fresh.id(), j -> j.state().isTerminal(), 60_000, "completion").state());
    }
}
