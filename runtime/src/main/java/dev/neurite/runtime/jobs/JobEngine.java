package dev.neurite.runtime.jobs;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.algorithm.Hyperparameters;
import dev.neurite.api.algorithm.StepResult;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainerState;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.data.Dataset;
import dev.neurite.api.data.DatasetException;
import dev.neurite.api.data.DatasetRegistry;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobEvents;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobProgress;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import dev.neurite.api.model.ModelArtifact;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.model.ModelStore;
import dev.neurite.api.tensor.Backend;
import dev.neurite.runtime.accelerator.Placement;
import dev.neurite.runtime.accelerator.Placer;
import dev.neurite.runtime.compute.JavaBackend;
import dev.neurite.runtime.store.FileModelStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The job manager's engine, free of OSGi so it can be tested on its own: a bounded pool of
 * workers drives trainers step by step, checkpoints them, reports progress, stores results,
 * and brings unfinished jobs back after a restart.
 */
public class JobEngine implements JobManager, AutoCloseable {

    /** Tunables, from the component's configuration. */
    public record Settings(Path jobsDir, int workers, int maxQueued, long checkpointEverySteps,
                           long progressIntervalMillis, long stopTimeoutMillis) {
    }

    /** Where progress and state events go (EventAdmin in the runtime). */
    @FunctionalInterface
    public interface EventSink {
        void post(String topic, Map<String, Object> properties);
    }

    private static final int LOG_TAIL = 200;

    /** Signals that a run stopped without ending the job (shutdown). */
    private static final class Suspended extends Exception {
        private static final long serialVersionUID = 1L;

        Suspended(String message) {
            super(message, null, false, false);
        }
    }

    private final class Job {
        final String id;
        volatile JobInfo info;
        final Deque<String> logTail = new ArrayDeque<>();
        volatile TrainingAlgorithm runningWith;
        volatile Thread worker;
        volatile String cancelReason;
        volatile String suspendReason;
        volatile CountDownLatch finished = new CountDownLatch(0);

        Job(JobInfo info) {
            this.id = info.id();
            this.info = info;
        }
    }

    private final Settings settings;
    private final DatasetRegistry datasets;
    private final Predicate<String> datasetExists;
    private final ModelStore models;
    private final AcceleratorRegistry accelerators;
    private final EventSink events;
    private final Supplier<Backend> backends;
    /** A backend this engine created for itself (when none was given), closed with it. */
    private volatile JavaBackend ownBackend;
    private final JobFiles files;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, TrainingAlgorithm> algorithms = new ConcurrentHashMap<>();
    private final Set<String> waitingForAlgorithm = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor pool;
    private volatile boolean closing;

    public JobEngine(Settings settings, DatasetRegistry datasets, Predicate<String> datasetExists, ModelStore models,
                     AcceleratorRegistry accelerators, EventSink events) throws IOException {
        this(settings, datasets, datasetExists, models, accelerators, null, events);
    }

    /**
     * An engine whose trainers compute with the backend {@code backends} supplies; when it is
     * null, the engine creates a Java backend on first use and closes it with itself.
     */
    public JobEngine(Settings settings, DatasetRegistry datasets, Predicate<String> datasetExists, ModelStore models,
                     AcceleratorRegistry accelerators, Supplier<Backend> backends, EventSink events) throws IOException {
        this.backends = backends != null ? backends : this::ownBackend;
        this.settings = settings;
        this.datasets = datasets;
        this.datasetExists = datasetExists;
        this.models = models;
        this.accelerators = accelerators;
        this.events = events;
        this.files = new JobFiles(settings.jobsDir());
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "neurite-job-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), factory);
        recover();
    }

    // ---- algorithms -------------------------------------------------------------------------

    /** An algorithm became available: new jobs may use it and jobs waiting for it start. */
    public void addAlgorithm(TrainingAlgorithm algorithm) {
        algorithms.put(algorithm.name(), algorithm);
        for (String id : List.copyOf(waitingForAlgorithm)) {
            Job job = jobs.get(id);
            if (job != null && job.info.request().algorithm().equals(algorithm.name()) && waitingForAlgorithm.remove(id)) {
                log(job, "algorithm " + algorithm.name() + " " + algorithm.version() + " is available");
                schedule(job);
            }
        }
    }

    /**
     * An algorithm went away. Its jobs are cancelled with {@code why}, or, when the whole
     * runtime is stopping, suspended so they resume after the restart. Returns once no worker
     * runs the algorithm's code any more (or the stop timeout passed).
     */
    public void removeAlgorithm(TrainingAlgorithm algorithm, String why, boolean runtimeStopping) {
        algorithms.remove(algorithm.name(), algorithm);
        List<Job> affected = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (job.runningWith == algorithm) {
                affected.add(job);
                if (runtimeStopping) {
                    job.suspendReason = "runtime stopping";
                } else {
                    job.cancelReason = why;
                }
            } else if (!runtimeStopping && job.info.request().algorithm().equals(algorithm.name())
                    && !algorithms.containsKey(algorithm.name())) {
                synchronized (job) {
                    if (job.info.state() == JobState.QUEUED && job.worker == null) {
                        waitingForAlgorithm.remove(job.id);
                        end(job, JobState.CANCELLED, why, null);
                    }
                }
            }
        }
        awaitStopped(affected);
    }

    public List<TrainingAlgorithm> algorithms() {
        List<TrainingAlgorithm> list = new ArrayList<>(algorithms.values());
        list.sort(Comparator.comparing(TrainingAlgorithm::name));
        return list;
    }

    // ---- JobManager -------------------------------------------------------------------------

    @Override
    public JobInfo submit(JobRequest request) {
        if (closing) {
            throw new IllegalStateException("the job manager is stopping");
        }
        TrainingAlgorithm algorithm = algorithms.get(request.algorithm());
        if (algorithm == null) {
            throw new InvalidRequestException("algorithm", "unknown algorithm '" + request.algorithm()
                    + "'; installed: " + new TreeMap<>(algorithms).keySet());
        }
        Hyperparameters.resolve(algorithm.hyperparameters(), request.hyperparameters());
        if (!datasetExists.test(request.trainDataset())) {
            throw new InvalidRequestException("trainDataset", "unknown dataset '" + request.trainDataset() + "'");
        }
        if (request.testDataset() != null && !datasetExists.test(request.testDataset())) {
            throw new InvalidRequestException("testDataset", "unknown dataset '" + request.testDataset() + "'");
        }
        if (request.modelName() != null) {
            FileModelStore.checkName(request.modelName());
        }
        boolean understood = accelerators instanceof Placer placer ? placer.understands(request.accelerator())
                : accelerators.get(request.accelerator()).isPresent();
        if (request.accelerator() != null && !understood) {
            throw new InvalidRequestException("accelerator", "unknown device '" + request.accelerator() + "'");
        }
        long queued = jobs.values().stream().filter(j -> j.info.state() == JobState.QUEUED).count();
        if (queued >= settings.maxQueued()) {
            throw new InvalidRequestException(null, "the queue is full (" + queued + " jobs waiting)");
        }
        String id = "job-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        JobInfo info = new JobInfo(id, request, null, JobState.QUEUED, "queued", Instant.now(), null, null, null,
                null, 0, null);
        Job job = new Job(info);
        try {
            files.writeState(info);
        } catch (IOException e) {
            throw new IllegalStateException("cannot persist job " + id + ": " + e.getMessage(), e);
        }
        jobs.put(id, job);
        log(job, "submitted: " + describe(request));
        publishState(job);
        schedule(job);
        return info;
    }

    @Override
    public Optional<JobInfo> cancel(String jobId, String reason) {
        Job job = jobs.get(jobId);
        if (job == null) {
            return Optional.empty();
        }
        String why = reason == null || reason.isBlank() ? "cancelled by request" : reason;
        synchronized (job) {
            if (job.info.state() == JobState.QUEUED && job.worker == null) {
                waitingForAlgorithm.remove(jobId);
                end(job, JobState.CANCELLED, why, null);
                return Optional.of(job.info);
            }
        }
        if (!job.info.state().isTerminal()) {
            job.cancelReason = why;
            awaitStopped(List.of(job));
        }
        return Optional.of(job.info);
    }

    @Override
    public Optional<JobInfo> get(String jobId) {
        Job job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.info);
    }

    @Override
    public List<JobInfo> list() {
        List<JobInfo> list = new ArrayList<>();
        jobs.values().forEach(j -> list.add(j.info));
        list.sort(Comparator.comparing(JobInfo::createdAt).reversed());
        return list;
    }

    @Override
    public List<String> log(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            return List.of();
        }
        List<String> lines = files.readLog(jobId);
        if (!lines.isEmpty()) {
            return lines;
        }
        synchronized (job.logTail) {
            return List.copyOf(job.logTail);
        }
    }

    private synchronized Backend ownBackend() {
        if (ownBackend == null) {
            ownBackend = new JavaBackend();
        }
        return ownBackend;
    }

    /** Suspends running jobs at a step boundary (checkpointing them) and stops the workers. */
    @Override
    public void close() {
        closing = true;
        List<Job> running = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (job.worker != null) {
                job.suspendReason = "runtime stopping";
                running.add(job);
            }
        }
        pool.shutdown();
        awaitStopped(running);
        pool.shutdownNow();
        try {
            pool.awaitTermination(settings.stopTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        JavaBackend own = ownBackend;
        if (own != null) {
            own.close();
        }
    }

    // ---- running ----------------------------------------------------------------------------

    private void recover() throws IOException {
        List<String> problems = new ArrayList<>();
        for (JobInfo stored : files.readAll(problems)) {
            Job job = new Job(stored);
            jobs.put(job.id, job);
            if (stored.state().isTerminal()) {
                continue;
            }
            Optional<TrainerState> checkpoint;
            try {
                checkpoint = files.readCheckpoint(job.id);
            } catch (IOException e) {
                checkpoint = Optional.empty();
                log(job, "checkpoint unreadable, starting over: " + e.getMessage());
            }
            String reason = "recovered after restart; " + checkpoint.map(c -> "resumes from checkpoint at step " + c.step())
                    .orElse("no checkpoint, starts over");
            job.info = with(job.info, JobState.QUEUED, reason);
            persist(job);
            log(job, reason);
            schedule(job);
        }
        problems.forEach(p -> System.getLogger(JobEngine.class.getName()).log(System.Logger.Level.WARNING,
                "skipping unreadable job state " + p));
    }

    private void schedule(Job job) {
        try {
            pool.execute(() -> run(job));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Only while closing: the job stays QUEUED on disk and runs after the restart.
        }
    }

    private void run(Job job) {
        TrainingAlgorithm algorithm;
        synchronized (job) {
            if (job.info.state() != JobState.QUEUED || closing) {
                return;
            }
            algorithm = algorithms.get(job.info.request().algorithm());
            if (algorithm == null) {
                waitingForAlgorithm.add(job.id);
                job.info = with(job.info, JobState.QUEUED, "waiting for algorithm '" + job.info.request().algorithm() + "'");
                persist(job);
                publishState(job);
                // It may have arrived between the lookup and the registration as waiting.
                if (algorithms.containsKey(job.info.request().algorithm()) && waitingForAlgorithm.remove(job.id)) {
                    schedule(job);
                }
                return;
            }
            job.worker = Thread.currentThread();
            job.runningWith = algorithm;
            job.finished = new CountDownLatch(1);
        }
        try {
            execute(job, algorithm);
        } finally {
            job.runningWith = null;
            job.worker = null;
            job.finished.countDown();
            Thread.interrupted();
        }
    }

    private void execute(Job job, TrainingAlgorithm algorithm) {
        JobRequest request = job.info.request();
        Instant started = Instant.now();
        Trainer trainer = null;
        Placement placement = null;
        try {
            Dataset train = datasets.open(request.trainDataset());
            Dataset test = request.testDataset() == null ? null : datasets.open(request.testDataset());
            ModelSpec spec = request.model() != null ? request.model()
                    : algorithm.defaultModel(train.featureSize(), train.numClasses());
            if (spec.inputSize() != train.featureSize()) {
                throw new InvalidRequestException("model", "model takes " + spec.inputSize() + " inputs but "
                        + train.name() + " has " + train.featureSize() + " features");
            }
            if (spec.outputSize() < train.numClasses()) {
                throw new InvalidRequestException("model", "model has " + spec.outputSize() + " outputs but "
                        + train.name() + " has " + train.numClasses() + " classes");
            }
            Hyperparameters hyperparameters = Hyperparameters.resolve(algorithm.hyperparameters(), request.hyperparameters());
            placement = place(request, spec, hyperparameters);
            AcceleratorDescriptor device = placement.device();
            boolean fellBack = placement.reason().startsWith("fell back");
            job.info = new JobInfo(job.id, request, algorithm.version(), JobState.RUNNING,
                    "running on " + device.id() + (fellBack ? "; " + placement.reason() : ""),
                    job.info.createdAt(), started, null, job.info.progress(), null, 0, device.id());
            persist(job);
            publishState(job);
            log(job, placement.reason());
            log(job, "running " + algorithm.name() + " " + algorithm.version() + " on " + device.id());
            log(job, "model " + spec.describe() + ", hyperparameters " + hyperparameters);
            Backend backend = placement.backend();
            trainer = algorithm.createTrainer(new Context(job, spec, train, test, hyperparameters, request.seed(), device,
                    backend));
            train(job, algorithm, trainer, spec, test != null);
        } catch (Suspended s) {
            job.info = with(job.info, JobState.QUEUED, s.getMessage());
            persist(job);
            publishState(job);
            log(job, s.getMessage());
        } catch (Throwable t) {
            if (job.cancelReason != null) {
                end(job, JobState.CANCELLED, job.cancelReason, null);
            } else if (job.suspendReason != null) {
                String why = "interrupted (" + job.suspendReason + "); resumes from its last checkpoint";
                job.info = with(job.info, JobState.QUEUED, why);
                persist(job);
                log(job, why);
            } else {
                end(job, JobState.FAILED, failureReason(t), null);
            }
            if (t instanceof Error e && !(t instanceof LinkageError)) {
                throw e;
            }
        } finally {
            if (trainer != null) {
                try {
                    trainer.close();
                } catch (Throwable t) {
                    log(job, "trainer did not close cleanly: " + t);
                }
            }
            if (placement != null) {
                placement.release();
            }
        }
    }

    /** The device for a job: the registry places it when it can, else the requested or default device. */
    private Placement place(JobRequest request, ModelSpec spec, Hyperparameters hyperparameters)
            throws Placer.NoDeviceException {
        if (accelerators instanceof Placer placer) {
            return placer.place(request.accelerator(), estimateBytes(spec, hyperparameters));
        }
        AcceleratorDescriptor device = request.accelerator() == null ? accelerators.defaultDevice()
                : accelerators.get(request.accelerator()).orElse(accelerators.defaultDevice());
        return new Placement(device, null, "placed on " + device.id(), () -> { });
    }

    /**
     * A job's memory, roughly: dense parameters with their gradients and two optimizer moments,
     * plus activations and their gradients for one batch.
     */
    static long estimateBytes(ModelSpec spec, Hyperparameters hyperparameters) {
        long params = 0;
        long units = spec.inputSize();
        long prev = spec.inputSize();
        for (LayerSpec layer : spec.layers()) {
            params += prev * layer.units() + layer.units();
            units += layer.units();
            prev = layer.units();
        }
        long batch = 1;
        for (String name : List.of("batchSize", "evalBatchSize")) {
            try {
                batch = Math.max(batch, hyperparameters.getInt(name));
            } catch (RuntimeException e) {
                // the algorithm has no such hyperparameter
            }
        }
        return 4 * (4 * params + 3 * batch * units);
    }

    private void train(Job job, TrainingAlgorithm algorithm, Trainer trainer, ModelSpec spec, boolean hasTest) throws Exception {
        long total = trainer.totalSteps();
        long perEpoch = Math.max(1, trainer.stepsPerEpoch());
        int epochs = (int) ((total + perEpoch - 1) / perEpoch);
        long start = 0;
        Optional<TrainerState> checkpoint = files.readCheckpoint(job.id);
        if (checkpoint.isPresent() && checkpoint.get().step() <= total) {
            trainer.restore(checkpoint.get());
            start = checkpoint.get().step();
            // Log first: whoever sees the job report its resumption finds the line in its log.
            log(job, "resumed from checkpoint at step " + start + " of " + total);
            job.info = new JobInfo(job.id, job.info.request(), job.info.algorithmVersion(), JobState.RUNNING,
                    "resumed from checkpoint at step " + start, job.info.createdAt(), job.info.startedAt(), null,
                    job.info.progress(), null, start, job.info.accelerator());
            persist(job);
        }
        long lastCheckpoint = start;
        long runStartNanos = System.nanoTime();
        long reportNanos = runStartNanos;
        double lossSum = 0;
        long lossCount = 0;
        long samplesSinceReport = 0;
        Map<String, Double> stepMetricSums = new LinkedHashMap<>();
        Map<String, Double> evaluation = Map.of();
        long evaluatedAt = -1;
        for (long step = start; step < total; step++) {
            if (job.cancelReason != null) {
                throw new InterruptedException(job.cancelReason);
            }
            if (job.suspendReason != null) {
                files.writeCheckpoint(job.id, trainer.snapshot(step));
                throw new Suspended("suspended at step " + step + " (" + job.suspendReason + "); checkpoint written, resumes after restart");
            }
            StepResult result = trainer.step(step);
            if (!Double.isFinite(result.loss())) {
                throw new IllegalStateException("training diverged: loss is " + result.loss() + " at step " + step);
            }
            lossSum += result.loss();
            lossCount++;
            samplesSinceReport += result.samples();
            result.metrics().forEach((k, v) -> stepMetricSums.merge(k, v, Double::sum));
            long done = step + 1;
            boolean epochEnd = done % perEpoch == 0 || done == total;
            if (epochEnd && hasTest) {
                evaluation = trainer.evaluate();
                evaluatedAt = done;
            }
            if (done - lastCheckpoint >= settings.checkpointEverySteps() && done < total) {
                files.writeCheckpoint(job.id, trainer.snapshot(done));
                lastCheckpoint = done;
                persist(job);
            }
            long now = System.nanoTime();
            if (epochEnd || now - reportNanos >= settings.progressIntervalMillis() * 1_000_000L) {
                double seconds = Math.max(1e-9, (now - reportNanos) / 1e9);
                double runSeconds = (now - runStartNanos) / 1e9;
                double eta = (total - done) * runSeconds / (done - start);
                Map<String, Double> metrics = new LinkedHashMap<>();
                long count = lossCount;
                stepMetricSums.forEach((k, v) -> metrics.put(k, v / count));
                if (epochEnd) {
                    metrics.putAll(evaluation);
                }
                JobProgress progress = new JobProgress((int) Math.min(epochs, step / perEpoch + 1), epochs, done, total,
                        lossSum / lossCount, metrics, samplesSinceReport / seconds, eta, System.currentTimeMillis());
                job.info = withProgress(job.info, progress);
                publishProgress(job, progress);
                if (epochEnd) {
                    persist(job);
                    log(job, String.format("epoch %d/%d: loss %.5f %s", progress.epoch(), epochs, progress.loss(), evaluation));
                }
                reportNanos = now;
                lossSum = 0;
                lossCount = 0;
                samplesSinceReport = 0;
                stepMetricSums.clear();
            }
        }
        Map<String, Double> finalMetrics = new LinkedHashMap<>();
        if (hasTest) {
            finalMetrics.putAll(evaluatedAt == total ? evaluation : trainer.evaluate());
        }
        if (job.info.progress() != null) {
            finalMetrics.putIfAbsent("train.loss", job.info.progress().loss());
        }
        JobRequest request = job.info.request();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("job", job.id);
        attributes.put("trainDataset", request.trainDataset());
        if (request.testDataset() != null) {
            attributes.put("testDataset", request.testDataset());
        }
        attributes.put("seed", Long.toString(request.seed()));
        attributes.put("steps", Long.toString(total));
        Hyperparameters.resolve(algorithm.hyperparameters(), request.hyperparameters()).asStrings()
                .forEach((k, v) -> attributes.put("hp." + k, v));
        String name = request.modelName() != null ? request.modelName() : job.id;
        ModelInfo stored = models.save(new ModelArtifact(name, algorithm.name(), algorithm.version(), spec,
                trainer.parameters(), finalMetrics, attributes));
        files.deleteCheckpoint(job.id);
        Duration took = Duration.between(job.info.startedAt(), Instant.now());
        end(job, JobState.SUCCEEDED, "trained " + total + " steps in " + took.toSeconds() + " s"
                + (finalMetrics.isEmpty() ? "" : "; " + summary(finalMetrics)) + "; model " + stored.reference(), stored.reference());
    }

    private void awaitStopped(List<Job> affected) {
        long deadline = System.nanoTime() + settings.stopTimeoutMillis() * 1_000_000L;
        for (Job job : affected) {
            try {
                // First let the worker stop at a step boundary; interrupt only if it does not.
                long half = Math.max(0, (deadline - System.nanoTime()) / 2);
                if (!job.finished.await(half, TimeUnit.NANOSECONDS)) {
                    Thread worker = job.worker;
                    if (worker != null) {
                        worker.interrupt();
                    }
                    job.finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- state ------------------------------------------------------------------------------

    private void end(Job job, JobState state, String reason, String model) {
        JobInfo i = job.info;
        job.info = new JobInfo(i.id(), i.request(), i.algorithmVersion(), state, reason, i.createdAt(), i.startedAt(),
                Instant.now(), i.progress(), model, i.resumedFromStep(), i.accelerator());
        persist(job);
        log(job, state + ": " + reason);
        publishState(job);
    }

    private static JobInfo with(JobInfo i, JobState state, String reason) {
        return new JobInfo(i.id(), i.request(), i.algorithmVersion(), state, reason, i.createdAt(), i.startedAt(),
                i.endedAt(), i.progress(), i.model(), i.resumedFromStep(), i.accelerator());
    }

    private static JobInfo withProgress(JobInfo i, JobProgress progress) {
        return new JobInfo(i.id(), i.request(), i.algorithmVersion(), i.state(), i.reason(), i.createdAt(), i.startedAt(),
                i.endedAt(), progress, i.model(), i.resumedFromStep(), i.accelerator());
    }

    private void persist(Job job) {
        try {
            files.writeState(job.info);
        } catch (IOException e) {
            log(job, "could not persist job state: " + e.getMessage());
        }
    }

    private void log(Job job, String message) {
        synchronized (job.logTail) {
            job.logTail.addLast(Instant.now() + " " + message);
            while (job.logTail.size() > LOG_TAIL) {
                job.logTail.removeFirst();
            }
        }
        files.appendLog(job.id, message);
    }

    private void publishState(Job job) {
        Map<String, Object> properties = baseProperties(job);
        properties.put(JobEvents.REASON, job.info.reason());
        if (job.info.model() != null) {
            properties.put(JobEvents.MODEL, job.info.model());
        }
        events.post(JobEvents.TOPIC_STATE, properties);
    }

    private void publishProgress(Job job, JobProgress progress) {
        Map<String, Object> properties = baseProperties(job);
        properties.put(JobEvents.EPOCH, progress.epoch());
        properties.put(JobEvents.EPOCHS, progress.epochs());
        properties.put(JobEvents.STEP, progress.step());
        properties.put(JobEvents.TOTAL_STEPS, progress.totalSteps());
        properties.put(JobEvents.LOSS, progress.loss());
        properties.put(JobEvents.SAMPLES_PER_SECOND, progress.samplesPerSecond());
        properties.put(JobEvents.ETA_SECONDS, progress.etaSeconds());
        progress.metrics().forEach((k, v) -> properties.put(JobEvents.METRIC_PREFIX + k, v));
        events.post(JobEvents.TOPIC_PROGRESS, properties);
    }

    private static Map<String, Object> baseProperties(Job job) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(JobEvents.JOB_ID, job.id);
        properties.put(JobEvents.ALGORITHM, job.info.request().algorithm());
        properties.put(JobEvents.STATE, job.info.state().name());
        return properties;
    }

    private static String failureReason(Throwable t) {
        if (t instanceof DatasetException || t instanceof InvalidRequestException) {
            return t.getMessage();
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String summary(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format("%.4f", v)));
        return sb.toString();
    }

    private static String describe(JobRequest r) {
        return r.algorithm() + " on " + r.trainDataset() + (r.testDataset() == null ? "" : " (test " + r.testDataset() + ")")
                + (r.model() == null ? "" : ", model " + r.model().describe()) + ", seed " + r.seed()
                + (r.hyperparameters().isEmpty() ? "" : ", " + new TreeMap<>(r.hyperparameters()));
    }

    private final class Context implements TrainingContext {
        private final Job job;
        private final ModelSpec model;
        private final Dataset train;
        private final Dataset test;
        private final Hyperparameters hyperparameters;
        private final long seed;
        private final AcceleratorDescriptor device;
        private final Backend backend;

        Context(Job job, ModelSpec model, Dataset train, Dataset test, Hyperparameters hyperparameters, long seed,
                AcceleratorDescriptor device, Backend backend) {
            this.backend = backend;
            this.job = job;
            this.model = model;
            this.train = train;
            this.test = test;
            this.hyperparameters = hyperparameters;
            this.seed = seed;
            this.device = device;
        }

        @Override
        public String jobId() {
            return job.id;
        }

        @Override
        public ModelSpec model() {
            return model;
        }

        @Override
        public Dataset trainData() {
            return train;
        }

        @Override
        public Optional<Dataset> testData() {
            return Optional.ofNullable(test);
        }

        @Override
        public Hyperparameters hyperparameters() {
            return hyperparameters;
        }

        @Override
        public long seed() {
            return seed;
        }

        @Override
        public AcceleratorDescriptor accelerator() {
            return device;
        }

        @Override
        public Backend backend() {
            return backend != null ? backend : backends.get();
        }

        @Override
        public void log(String message) {
            JobEngine.this.log(job, message);
        }
    }
}
