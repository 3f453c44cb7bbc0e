package dev.neurite.webconsole;

import dev.neurite.api.job.JobEvents;
import dev.neurite.api.job.JobProgress;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The progress of recent jobs as the charts need it, collected from the job manager's
 * PROGRESS events. Memory stays bounded: a long job's history is thinned to every other
 * point when full, so it always spans the whole run, and only recent jobs are kept.
 */
@Component(service = {ProgressHistory.class, EventHandler.class}, immediate = true,
        property = EventConstants.EVENT_TOPIC + "=" + JobEvents.TOPIC_PROGRESS)
public class ProgressHistory implements EventHandler {

    static final int MAX_POINTS = 1000;
    static final int MAX_JOBS = 50;

    /** One progress report: the step, mean loss and the further metrics (per-layer losses, accuracy). */
    record Point(long step, int epoch, double loss, Map<String, Double> metrics, long timeMillis) {
    }

    private final Map<String, List<Point>> byJob = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Point>> eldest) {
            return size() > MAX_JOBS;
        }
    };

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(JobEvents.JOB_ID) instanceof String job)) {
            return;
        }
        Map<String, Double> metrics = new TreeMap<>();
        for (String name : event.getPropertyNames()) {
            if (name.startsWith(JobEvents.METRIC_PREFIX) && event.getProperty(name) instanceof Number n) {
                metrics.put(name.substring(JobEvents.METRIC_PREFIX.length()), n.doubleValue());
            }
        }
        add(job, new Point(number(event, JobEvents.STEP).longValue(), number(event, JobEvents.EPOCH).intValue(),
                number(event, JobEvents.LOSS).doubleValue(), metrics, System.currentTimeMillis()));
    }

    private static Number number(Event event, String key) {
        return event.getProperty(key) instanceof Number n ? n : Double.NaN;
    }

    synchronized void add(String job, Point point) {
        List<Point> points = byJob.computeIfAbsent(job, j -> new ArrayList<>());
        if (!points.isEmpty() && points.get(points.size() - 1).step() >= point.step()) {
            // A resumed job reports steps again from its checkpoint: keep the series monotonic.
            points.removeIf(p -> p.step() >= point.step());
        }
        points.add(point);
        if (points.size() > MAX_POINTS) {
            List<Point> thinned = new ArrayList<>(MAX_POINTS / 2 + 1);
            for (int i = 0; i < points.size(); i += 2) {
                thinned.add(points.get(i));
            }
            if (thinned.get(thinned.size() - 1) != point) {
                thinned.add(point);
            }
            byJob.put(job, thinned);
        }
    }

    /** The points of a job, oldest first; the job's last progress alone if no event was seen. */
    synchronized List<Point> points(String job, JobProgress latest) {
        List<Point> points = byJob.get(job);
        if ((points == null || points.isEmpty()) && latest != null) {
            return List.of(new Point(latest.step(), latest.epoch(), latest.loss(), latest.metrics(), latest.timestampMillis()));
        }
        return points == null ? List.of() : List.copyOf(points);
    }

    /**
     * The charts of a job: {@code loss} holds the training loss and every metric whose name
     * says loss (per-layer losses of forward-only rules), {@code accuracy} every accuracy.
     * Each chart is {@code x} (steps) plus one array per series, null where a point lacks it.
     */
    static Map<String, Object> charts(List<Point> points) {
        TreeSet<String> lossNames = new TreeSet<>();
        TreeSet<String> accuracyNames = new TreeSet<>();
        for (Point p : points) {
            for (String name : p.metrics().keySet()) {
                String lower = name.toLowerCase();
                if (lower.contains("loss")) {
                    lossNames.add(name);
                } else if (lower.contains("acc")) {
                    accuracyNames.add(name);
                }
            }
        }
        List<Long> x = new ArrayList<>();
        Map<String, List<Double>> loss = new LinkedHashMap<>();
        loss.put("loss", new ArrayList<>());
        lossNames.forEach(n -> loss.put(n, new ArrayList<>()));
        Map<String, List<Double>> accuracy = new LinkedHashMap<>();
        accuracyNames.forEach(n -> accuracy.put(n, new ArrayList<>()));
        for (Point p : points) {
            x.add(p.step());
            loss.get("loss").add(finite(p.loss()));
            lossNames.forEach(n -> loss.get(n).add(finite(p.metrics().get(n))));
            accuracyNames.forEach(n -> accuracy.get(n).add(finite(p.metrics().get(n))));
        }
        Map<String, Object> charts = new LinkedHashMap<>();
        charts.put("loss", chart(x, loss));
        charts.put("accuracy", chart(x, accuracy));
        return charts;
    }

    static Map<String, Object> chart(List<? extends Number> x, Map<String, List<Double>> series) {
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("x", x);
        chart.put("series", series);
        return chart;
    }

    /** JSON has no NaN or infinity: a diverged loss shows as a gap. */
    static Double finite(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }
}
