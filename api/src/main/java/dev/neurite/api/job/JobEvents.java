package dev.neurite.api.job;

/**
 * EventAdmin topics and property keys for job telemetry. Each event carries
 * {@link #JOB_ID}, {@link #ALGORITHM} and {@link #STATE}; progress events add the progress
 * keys, state events add {@link #REASON}.
 */
public final class JobEvents {

    /** Prefix of every job topic; subscribe to {@code dev/neurite/job/*} for all. */
    public static final String TOPIC_PREFIX = "dev/neurite/job/";
    /** A job changed state. */
    public static final String TOPIC_STATE = TOPIC_PREFIX + "STATE";
    /** A running job reported progress. */
    public static final String TOPIC_PROGRESS = TOPIC_PREFIX + "PROGRESS";

    public static final String JOB_ID = "job.id";
    public static final String ALGORITHM = "job.algorithm";
    public static final String STATE = "job.state";
    public static final String REASON = "job.reason";
    public static final String MODEL = "job.model";
    public static final String EPOCH = "job.epoch";
    public static final String EPOCHS = "job.epochs";
    public static final String STEP = "job.step";
    public static final String TOTAL_STEPS = "job.totalSteps";
    public static final String LOSS = "job.loss";
    public static final String SAMPLES_PER_SECOND = "job.samplesPerSecond";
    public static final String ETA_SECONDS = "job.etaSeconds";
    /** Progress metrics are added as {@code job.metric.<name>} = Double. */
    public static final String METRIC_PREFIX = "job.metric.";

    private JobEvents() {
    }
}
