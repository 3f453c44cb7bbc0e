package dev.neurite.runtime.jobs;

import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import dev.neurite.api.model.ModelStore;
import dev.neurite.api.tensor.Backend;
import dev.neurite.runtime.compute.JavaBackend;
import dev.neurite.runtime.data.DataDirectoryRegistry;
import dev.neurite.runtime.home.RuntimeHome;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link JobManager} service: wires the engine to configuration, the algorithm services
 * (tracked dynamically, so bundles come and go while jobs run) and EventAdmin.
 */
@Component(service = {JobManager.class, JobManagerComponent.class}, configurationPid = JobManagerComponent.PID,
        immediate = true)
@Designate(ocd = JobManagerComponent.Config.class)
public class JobManagerComponent implements JobManager {

    public static final String PID = "dev.neurite.jobs";

    @ObjectClassDefinition(name = "Neurite job manager", description = "Training job workers, checkpoints and progress")
    public @interface Config {
        @AttributeDefinition(name = "Workers", description = "Jobs that run at the same time", min = "1", max = "64")
        int workers() default 1;

        @AttributeDefinition(name = "Queue limit", description = "Queued jobs accepted before submissions are refused", min = "1")
        int maxQueued() default 100;

        @AttributeDefinition(name = "Checkpoint interval (steps)", description = "Optimisation steps between checkpoints", min = "1")
        long checkpointEverySteps() default 200;

        @AttributeDefinition(name = "Progress interval (ms)", description = "Least time between progress events of one job", min = "10")
        long progressIntervalMillis() default 500;

        @AttributeDefinition(name = "Stop timeout (ms)", description = "How long a stopping algorithm or runtime waits for running jobs to stop", min = "100")
        long stopTimeoutMillis() default 10000;

        @AttributeDefinition(name = "Jobs directory", description = "Job state, logs and checkpoints; relative paths are under the runtime home. Empty: <home>/jobs", required = false)
        String directory() default "";
    }

    private final BundleContext context;
    private final JobEngine engine;
    private volatile EventAdmin eventAdmin;
    private volatile boolean active;

    @Activate
    public JobManagerComponent(BundleContext context, Config config, @Reference DataDirectoryRegistry datasets,
                               @Reference ModelStore models, @Reference AcceleratorRegistry accelerators,
                               @Reference(target = "(" + Backend.NAME_PROPERTY + "=" + JavaBackend.NAME + ")") Backend backend)
            throws IOException {
        this.context = context;
        this.engine = new JobEngine(new JobEngine.Settings(RuntimeHome.dir(context, config.directory(), "jobs"),
                config.workers(), config.maxQueued(), config.checkpointEverySteps(), config.progressIntervalMillis(),
                config.stopTimeoutMillis()), datasets, datasets::exists, models, accelerators, () -> backend, this::post);
        active = true;
    }

    @Deactivate
    void deactivate() {
        active = false;
        engine.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAlgorithm(TrainingAlgorithm algorithm) {
        // DS binds method references after the activation constructor, so the engine exists.
        engine.addAlgorithm(algorithm);
    }

    void removeAlgorithm(TrainingAlgorithm algorithm, ServiceReference<TrainingAlgorithm> reference) {
        if (!active) {
            return;
        }
        Bundle owner = reference.getBundle();
        String who = owner == null ? "its bundle" : "bundle " + owner.getSymbolicName() + " [" + owner.getBundleId() + "]";
        String why = "algorithm '" + algorithm.name() + "' " + algorithm.version() + " was withdrawn: " + who
                + " was stopped, updated or uninstalled";
        engine.removeAlgorithm(algorithm, why, runtimeStopping());
    }

    /** Backends other than Java come and go with their bundles (the TensorFlow bundle, for one). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(!(" + Backend.NAME_PROPERTY + "=" + JavaBackend.NAME + "))")
    void addBackend(Backend backend) {
        // Placement finds backends through the accelerator registry; only their removal matters here.
    }

    /** A withdrawn backend cancels the jobs running on its device, saying why. */
    void removeBackend(Backend backend) {
        if (!active) {
            return;
        }
        String device = backend.device().id();
        for (JobInfo job : engine.list()) {
            if (job.state() == JobState.RUNNING && device.equals(job.accelerator())) {
                engine.cancel(job.id(), "device " + device + " was withdrawn: its backend '" + backend.name()
                        + "' stopped");
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEventAdmin(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    void unsetEventAdmin(EventAdmin eventAdmin) {
        if (this.eventAdmin == eventAdmin) {
            this.eventAdmin = null;
        }
    }

    private boolean runtimeStopping() {
        try {
            return context.getBundle(0).getState() == Bundle.STOPPING;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin admin = eventAdmin;
        if (admin != null) {
            admin.postEvent(new Event(topic, properties));
        }
    }

    /** Installed algorithms, by name. */
    public List<TrainingAlgorithm> algorithms() {
        return engine.algorithms();
    }

    @Override
    public JobInfo submit(JobRequest request) {
        return engine.submit(request);
    }

    @Override
    public Optional<JobInfo> cancel(String jobId, String reason) {
        return engine.cancel(jobId, reason);
    }

    @Override
    public Optional<JobInfo> get(String jobId) {
        return engine.get(jobId);
    }

    @Override
    public List<JobInfo> list() {
        return engine.list();
    }

    @Override
    public List<String> log(String jobId) {
        return engine.log(jobId);
    }
}
