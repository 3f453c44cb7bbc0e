package dev.neurite.runtime.jobs;

import dev.neurite.algorithm.softmax.SoftmaxRegression;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobEvents;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import dev.neurite.api.model.ModelArtifact;
import dev.neurite.runtime.TestData;
import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.runtime.accelerator.Accelerators;
import dev.neurite.runtime.accelerator.CpuFacts;
import dev.neurite.runtime.accelerator.JavaAccelerators;
import dev.neurite.runtime.compute.JavaBackend;
import dev.neurite.runtime.data.DataDirectoryRegistry;
import dev.neurite.runtime.store.FileModelStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class JobEngineTest {

    private record Posted(String topic, Map<String, Object> properties) {
    }

    @TempDir
    Path home;

    private final List<Posted> events = new CopyOnWriteArrayList<>();
    private final List<JobEngine> engines = new ArrayList<>();
    private final SoftmaxRegression softmax = new SoftmaxRegression();
    private FileModelStore models;

    @AfterEach
    void closeEngines() {
        engines.forEach(JobEngine::close);
    }

    private JobEngine engine(Path jobsDir, long checkpointEvery) throws IOException {
        models = new FileModelStore(home.resolve("models"));
        DataDirectoryRegistry datasets = new DataDirectoryRegistry(List.of(TestData.datasets(), home.resolve("data")));
        JobEngine engine = new JobEngine(new JobEngine.Settings(jobsDir, 1, 10, checkpointEvery, 20, 10_000),
                datasets, datasets::exists, models, new JavaAccelerators(), (t, p) -> events.add(new Posted(t, p)));
        engines.add(engine);
        return engine;
    }

    private static JobRequest blobs(String algorithm, Map<String, String> hyperparameters, String modelName) {
        return new JobRequest(algorithm, "blobs/train", "blobs/test", null, hyperparameters, 42, modelName, null);
    }

    private static JobInfo await(JobEngine engine, String id, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return engine.get(id).orElseThrow();
            }
            Thread.sleep(20);
        }
        fail("timed out waiting for " + what + "; job is " + engine.get(id).orElse(null));
        return null;
    }

    private static JobInfo awaitEnd(JobEngine engine, String id) throws InterruptedException {
        return await(engine, id, () -> engine.get(id).orElseThrow().state().isTerminal(), "the job to end");
    }

    @Test
    void aJobTrainsToCompletionStoresItsModelAndReportsFallingLoss() throws Exception {
        JobEngine engine = engine(home.resolve("jobs"), 50);
        engine.addAlgorithm(softmax);
        JobInfo submitted = engine.submit(blobs("softmax-regression", Map.of("epochs", "4"), "blob-model"));
        assertEquals(JobState.QUEUED, submitted.state());

        JobInfo done = awaitEnd(engine, submitted.id());
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
        assertEquals("blob-model:1", done.model());
        ModelArtifact model = models.load("blob-model", 1);
        assertTrue(model.metrics().get("test.accuracy") > 0.95, model.metrics().toString());
        assertEquals(List.of(10, 32), java.util.Arrays.stream(model.tensor("layer0.weight").shape()).boxed().toList());

        List<Double> losses = events.stream().filter(e -> e.topic().equals(JobEvents.TOPIC_PROGRESS))
                .map(e -> (Double) e.properties().get(JobEvents.LOSS)).toList();
        assertTrue(losses.size() >= 4, "one progress event per epoch at least");
        assertTrue(losses.get(losses.size() - 1) < losses.get(0) / 2, "loss falls: " + losses);
        // The state is visible through get() just before its event is posted: wait for the event.
        await(engine, submitted.id(), () -> events.stream().anyMatch(e -> e.topic().equals(JobEvents.TOPIC_STATE)
                && "SUCCEEDED".equals(e.properties().get(JobEvents.STATE))), "the SUCCEEDED event");
        List<Object> states = events.stream().filter(e -> e.topic().equals(JobEvents.TOPIC_STATE))
                .map(e -> e.properties().get(JobEvents.STATE)).toList();
        assertEquals(List.of("QUEUED", "RUNNING", "SUCCEEDED"), states);
        assertTrue(engine.log(submitted.id()).stream().anyMatch(l -> l.contains("SUCCEEDED")));
        assertTrue(Files.notExists(home.resolve("jobs").resolve(submitted.id()).resolve("checkpoint.safetensors")));
    }

    @Test
    void invalidRequestsAreRefusedNamingTheFieldAndQueueNothing() throws Exception {
        JobEngine engine = engine(home.resolve("jobs"), 50);
        engine.addAlgorithm(softmax);
        assertField("algorithm", () -> engine.submit(blobs("nope", Map.of(), null)));
        assertField("learningRate", () -> engine.submit(blobs("softmax-regression", Map.of("learningRate", "-1"), null)));
        assertField("momentum", () -> engine.submit(blobs("softmax-regression", Map.of("momentum", "0.9"), null)));
        assertField("trainDataset", () -> engine.submit(new JobRequest("softmax-regression", "cifar/train", null, null,
                Map.of(), 1, null, null)));
        assertField("name", () -> engine.submit(blobs("softmax-regression", Map.of(), "../evil")));
        assertField("accelerator", () -> engine.submit(new JobRequest("softmax-regression", "blobs/train", null, null,
                Map.of(), 1, null, "tf:/device:GPU:9")));
        assertEquals(List.of(), engine.list());
        try (var dirs = Files.list(home.resolve("jobs"))) {
            assertEquals(0, dirs.count());
        }
    }

    @Test
    void aJobAskingForAGpuFallsBackAndSaysWhy() throws Exception {
        models = new FileModelStore(home.resolve("models"));
        DataDirectoryRegistry datasets = new DataDirectoryRegistry(List.of(TestData.datasets(), home.resolve("data")));
        Accelerators accelerators = new Accelerators(CpuFacts.detect(), Accelerators.Limits.DEFAULT);
        try (JavaBackend java = new JavaBackend(1, false)) {
            // A second CPU device of another backend (it computes with the Java backend).
            AcceleratorDescriptor other = new AcceleratorDescriptor("tf:/device:CPU:0", AcceleratorKind.CPU, "test",
                    "tensorflow", 1L << 30, 1, 0);
            accelerators.addBackend(new Backend() {
                @Override
                public String name() {
                    return "tensorflow";
                }

                @Override
                public AcceleratorDescriptor device() {
                    return other;
                }

                @Override
                public GraphInstance open(Graph graph) {
                    return java.open(graph);
                }
            });
            JobEngine engine = new JobEngine(new JobEngine.Settings(home.resolve("jobs"), 1, 10, 50, 20, 10_000), datasets,
                    datasets::exists, models, accelerators, () -> java, (t, p) -> events.add(new Posted(t, p)));
            engines.add(engine);
            engine.addAlgorithm(softmax);
            JobInfo submitted = engine.submit(new JobRequest("softmax-regression", "blobs/train", null, null,
                    Map.of("epochs", "1"), 1, null, "gpu"));
            JobInfo done = awaitEnd(engine, submitted.id());
            assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
            assertEquals("tf:/device:CPU:0", done.accelerator());
            assertTrue(engine.log(submitted.id()).stream().anyMatch(l -> l.contains(
                    "fell back to tf:/device:CPU:0 (asked for 'gpu'): no GPU is present")), engine.log(submitted.id()).toString());
            // The slot is given back once the worker has closed the trainer, just after the job ends.
            await(engine, submitted.id(), () -> accelerators.running("tf:/device:CPU:0") == 0, "the slot to be given back");
            assertField("accelerator", () -> engine.submit(new JobRequest("softmax-regression", "blobs/train", null, null,
                    Map.of(), 1, null, "quantum:0")));
        }
    }

    private static void assertField(String field, Runnable submit) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, submit::run);
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void cancellingARunningJobEndsItCancelledWithTheReason() throws Exception {
        JobEngine engine = engine(home.resolve("jobs"), 1000);
        engine.addAlgorithm(new ThrottledAlgorithm(softmax, "slow", 5));
        String id = engine.submit(blobs("slow", Map.of("epochs", "50"), null)).id();
        await(engine, id, () -> engine.get(id).orElseThrow().progress() != null, "progress");
        JobInfo cancelled = engine.cancel(id, "operator changed their mind").orElseThrow();
        assertEquals(JobState.CANCELLED, cancelled.state());
        assertEquals("operator changed their mind", cancelled.reason());
        assertTrue(engine.cancel("job-unknown", null).isEmpty());
    }

    @Test
    void withdrawingTheAlgorithmCancelsItsJobsAndTheEngineKeepsServing() throws Exception {
        JobEngine engine = engine(home.resolve("jobs"), 1000);
        ThrottledAlgorithm slow = new ThrottledAlgorithm(softmax, "slow", 5);
        engine.addAlgorithm(slow);
        String running = engine.submit(blobs("slow", Map.of("epochs", "50"), null)).id();
        String queued = engine.submit(blobs("slow", Map.of("epochs", "50"), null)).id();
        await(engine, running, () -> engine.get(running).orElseThrow().state() == JobState.RUNNING, "running");

        engine.removeAlgorithm(slow, "algorithm 'slow' was withdrawn: bundle stopped", false);
        JobInfo first = engine.get(running).orElseThrow();
        assertEquals(JobState.CANCELLED, first.state());
        assertTrue(first.reason().contains("withdrawn"), first.reason());
        assertEquals(JobState.CANCELLED, engine.get(queued).orElseThrow().state());
        assertField("algorithm", () -> engine.submit(blobs("slow", Map.of(), null)));

        engine.addAlgorithm(softmax);
        JobInfo after = awaitEnd(engine, engine.submit(blobs("softmax-regression", Map.of("epochs", "1"), null)).id());
        assertEquals(JobState.SUCCEEDED, after.state(), after.reason());
    }

    @Test
    void aCorruptDatasetFailsTheJobWithTheFileAndChecksumAndTheEngineKeepsServing() throws Exception {
        Path data = Files.createDirectories(home.resolve("data").resolve("mnist"));
        for (String file : new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(TestData.datasets().resolve("mnist").resolve(file), data.resolve(file));
        }
        Files.writeString(data.resolve("SHA256SUMS"), Files.readAllLines(TestData.datasets().resolve("SHA256SUMS")).stream()
                .filter(l -> l.contains("mnist/t10k") && !l.contains("fashion"))
                .map(l -> l.replace("mnist/", "")).reduce("", (a, b) -> a + b + "\n"));
        Path images = data.resolve("t10k-images-idx3-ubyte.gz");
        byte[] bytes = Files.readAllBytes(images);
        bytes[1000] ^= 0x40;
        Files.write(images, bytes);

        JobEngine engine = engine(home.resolve("jobs"), 50);
        engine.addAlgorithm(softmax);
        // The shared directory also has mnist/, and it comes first: use a family name only the copy has.
        Path renamed = home.resolve("data").resolve("digits");
        Files.move(data, renamed);
        JobInfo failed = awaitEnd(engine, engine.submit(new JobRequest("softmax-regression", "digits/test", null, null,
                Map.of(), 1, null, null)).id());
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(failed.reason().contains(renamed.resolve("t10k-images-idx3-ubyte.gz").toString()), failed.reason());
        assertTrue(failed.reason().contains("expected 8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"), failed.reason());

        JobInfo next = awaitEnd(engine, engine.submit(blobs("softmax-regression", Map.of("epochs", "1"), null)).id());
        assertEquals(JobState.SUCCEEDED, next.state(), next.reason());
    }

    @Test
    void aRestartedEngineResumesFromTheCheckpointAndEndsExactlyAsAnUninterruptedRun() throws Exception {
        Map<String, String> hp = Map.of("epochs", "6", "batchSize", "32");
        // Reference: the same request, never interrupted.
        JobEngine reference = engine(home.resolve("jobs-reference"), 40);
        reference.addAlgorithm(softmax);
        JobInfo referenceRun = awaitEnd(reference, reference.submit(blobs("softmax-regression", hp, "reference")).id());
        assertEquals(JobState.SUCCEEDED, referenceRun.state(), referenceRun.reason());
        float[] expected = models.load("reference", 1).tensor("layer0.weight").toFloats();

        Path jobs = home.resolve("jobs");
        JobEngine first = engine(jobs, 40);
        first.addAlgorithm(new ThrottledAlgorithm(softmax, "softmax-regression", 2));
        String id = first.submit(blobs("softmax-regression", hp, "resumed")).id();
        Path checkpoint = jobs.resolve(id).resolve("checkpoint.safetensors");
        await(first, id, () -> Files.exists(checkpoint) && first.get(id).orElseThrow().progress() != null
                && first.get(id).orElseThrow().progress().step() > 200, "a checkpoint past step 200");
        // What a crash leaves behind: the job directory as it is on disk right now.
        Path crashed = home.resolve("jobs-after-crash");
        copyTree(jobs, crashed);
        first.close();

        JobEngine restarted = engine(crashed, 40);
        JobInfo recovered = restarted.get(id).orElseThrow();
        assertEquals(JobState.QUEUED, recovered.state());
        // The reason may already say "waiting for algorithm" (a worker picks the job up at
        // once), so the recovery is checked in the job's log, which keeps both lines.
        assertTrue(restarted.log(id).stream().anyMatch(l -> l.contains("resumes from checkpoint at step")),
                String.join("\n", restarted.log(id)));
        restarted.addAlgorithm(softmax);
        JobInfo done = awaitEnd(restarted, id);
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
        assertTrue(done.resumedFromStep() >= 200, "resumed from step " + done.resumedFromStep());
        assertTrue(restarted.log(id).stream().anyMatch(l -> l.contains("resumed from checkpoint at step " + done.resumedFromStep())));
        assertArrayEquals(expected, models.load("resumed", 1).tensor("layer0.weight").toFloats(),
                "a resumed run must end with the same weights as an uninterrupted one");
    }

    @Test
    void aCleanShutdownSuspendsAtAStepBoundaryAndTheJobContinuesAfterwards() throws Exception {
        Path jobs = home.resolve("jobs");
        JobEngine first = engine(jobs, 1_000_000);
        first.addAlgorithm(new ThrottledAlgorithm(softmax, "softmax-regression", 2));
        String id = first.submit(blobs("softmax-regression", Map.of("epochs", "3"), null)).id();
        await(first, id, () -> first.get(id).orElseThrow().progress() != null, "progress");
        first.close();
        JobInfo suspended = first.get(id).orElseThrow();
        assertEquals(JobState.QUEUED, suspended.state(), suspended.reason());
        assertTrue(Files.exists(jobs.resolve(id).resolve("checkpoint.safetensors")), "shutdown writes a checkpoint");

        JobEngine second = engine(jobs, 1_000_000);
        second.addAlgorithm(softmax);
        JobInfo done = awaitEnd(second, id);
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
        assertTrue(done.resumedFromStep() > 0);
    }

    @Test
    void aRecoveredJobWaitsForItsAlgorithmToBeInstalled() throws Exception {
        Path jobs = home.resolve("jobs");
        JobEngine first = engine(jobs, 1_000_000);
        first.addAlgorithm(new ThrottledAlgorithm(softmax, "softmax-regression", 2));
        String id = first.submit(blobs("softmax-regression", Map.of("epochs", "2"), null)).id();
        await(first, id, () -> first.get(id).orElseThrow().progress() != null, "progress");
        first.close();

        JobEngine second = engine(jobs, 1_000_000);
        await(second, id, () -> second.get(id).orElseThrow().reason().startsWith("waiting for algorithm"), "waiting");
        second.addAlgorithm(softmax);
        assertEquals(JobState.SUCCEEDED, awaitEnd(second, id).state());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".tmp")) {
                    try {
                        Files.copy(p, target);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // A temporary file renamed away while copying: a crash would not have it either.
                    }
                }
            }
        }
    }
}
