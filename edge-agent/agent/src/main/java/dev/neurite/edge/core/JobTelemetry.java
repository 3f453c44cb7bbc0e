package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import dev.neurite.api.job.JobEvents;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Forwards the runtime's job events: progress to {@code jobs/<id>/progress} at most once
 * per interval per job (low priority: the latest report supersedes older ones), state
 * changes to {@code events} at high priority (never dropped).
 */
public final class JobTelemetry {

    private final Publisher publisher;
    private final long minIntervalMillis;
    private final LongSupplier clock;
    private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();

    public JobTelemetry(Publisher publisher, long minIntervalMillis, LongSupplier clock) {
        this.publisher = publisher;
        this.minIntervalMillis = minIntervalMillis;
        this.clock = clock;
    }

    /** One EventAdmin event (topic and properties) from {@code dev/neurite/job/*}. */
    public void onEvent(String topic, Map<String, ?> properties) {
        Object id = properties.get(JobEvents.JOB_ID);
        if (id == null) {
            return;
        }
        String jobId = id.toString();
        if (JobEvents.TOPIC_PROGRESS.equals(topic)) {
            long now = clock.getAsLong();
            Long last = lastProgress.get(jobId);
            if (last != null && now - last < minIntervalMillis) {
                return;
            }
            lastProgress.put(jobId, now);
            publisher.publish(publisher.topics().jobProgress(jobId), progress(jobId, properties), Outbox.Priority.LOW);
        } else if (JobEvents.TOPIC_STATE.equals(topic)) {
            JsonObject event = new JsonObject();
            event.addProperty("type", "job.state");
            event.addProperty("jobId", jobId);
            copy(properties, JobEvents.ALGORITHM, event, "algorithm");
            copy(properties, JobEvents.STATE, event, "state");
            copy(properties, JobEvents.REASON, event, "reason");
            copy(properties, JobEvents.MODEL, event, "model");
            Object state = properties.get(JobEvents.STATE);
            if (state != null && ("SUCCEEDED".equals(state.toString()) || "FAILED".equals(state.toString())
                    || "CANCELLED".equals(state.toString()))) {
                lastProgress.remove(jobId);
            }
            publisher.publish(publisher.topics().events(), event, Outbox.Priority.HIGH);
        }
    }

    static JsonObject progress(String jobId, Map<String, ?> p) {
        JsonObject body = new JsonObject();
        body.addProperty("type", "job.progress");
        body.addProperty("jobId", jobId);
        copy(p, JobEvents.ALGORITHM, body, "algorithm");
        copy(p, JobEvents.STATE, body, "state");
        copy(p, JobEvents.EPOCH, body, "epoch");
        copy(p, JobEvents.EPOCHS, body, "epochs");
        copy(p, JobEvents.STEP, body, "step");
        copy(p, JobEvents.TOTAL_STEPS, body, "totalSteps");
        copy(p, JobEvents.LOSS, body, "loss");
        copy(p, JobEvents.SAMPLES_PER_SECOND, body, "samplesPerSecond");
        copy(p, JobEvents.ETA_SECONDS, body, "etaSeconds");
        JsonObject metrics = new JsonObject();
        for (Map.Entry<String, ?> e : p.entrySet()) {
            if (e.getKey().startsWith(JobEvents.METRIC_PREFIX) && e.getValue() instanceof Number n) {
                metrics.addProperty(e.getKey().substring(JobEvents.METRIC_PREFIX.length()), n);
            }
        }
        if (!metrics.isEmpty()) {
            body.add("metrics", metrics);
        }
        return body;
    }

    private static void copy(Map<String, ?> from, String key, JsonObject to, String name) {
        Object value = from.get(key);
        if (value instanceof Number n) {
            to.addProperty(name, n);
        } else if (value instanceof Boolean b) {
            to.addProperty(name, b);
        } else if (value != null) {
            to.addProperty(name, value.toString());
        }
    }
}
