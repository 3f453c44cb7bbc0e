package dev.neurite.webconsole;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.algorithm.Hyperparameter;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.data.DatasetInfo;
import dev.neurite.api.data.DatasetRegistry;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobProgress;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Jobs: the list with state and progress, live loss and accuracy charts of one job, a
 * start form per algorithm built from its declared hyperparameters, and cancel.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + JobsPlugin.LABEL,
        "felix.webconsole.title=Jobs",
        "felix.webconsole.category=" + NeuritePlugin.CATEGORY})
public class JobsPlugin extends NeuritePlugin {

    private static final long serialVersionUID = 1L;
    static final String LABEL = "neurite-jobs";
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final transient JobManager jobs;
    private final transient DatasetRegistry datasets;
    private final transient ProgressHistory history;
    private final transient List<TrainingAlgorithm> algorithms = new CopyOnWriteArrayList<>();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile transient AcceleratorRegistry accelerators;

    @Activate
    public JobsPlugin(@Reference JobManager jobs, @Reference DatasetRegistry datasets, @Reference ProgressHistory history) {
        this.jobs = jobs;
        this.datasets = datasets;
        this.history = history;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAlgorithm(TrainingAlgorithm algorithm) {
        algorithms.add(algorithm);
    }

    void removeAlgorithm(TrainingAlgorithm algorithm) {
        algorithms.remove(algorithm);
    }

    @Override
    String label() {
        return LABEL;
    }

    private List<TrainingAlgorithm> algorithms() {
        List<TrainingAlgorithm> sorted = new ArrayList<>(algorithms);
        sorted.sort(Comparator.comparing(TrainingAlgorithm::name));
        return sorted;
    }

    // ---- JSON --------------------------------------------------------------------------------

    @Override
    boolean get(String sub, HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (sub) {
            case "jobs.json" -> {
                Map<String, Object> body = new LinkedHashMap<>();
                List<Map<String, Object>> list = new ArrayList<>();
                Map<String, String> fields = new LinkedHashMap<>();
                for (JobInfo job : jobs.list()) {
                    list.add(summary(job));
                    fields.putAll(fields(job));
                }
                body.put("jobs", list);
                body.put("fields", fields);
                json(response, body);
                return true;
            }
            case "progress.json" -> {
                String id = request.getParameter("job");
                Optional<JobInfo> job = id == null ? Optional.empty() : jobs.get(id);
                if (job.isEmpty()) {
                    refuse(request, response, HttpServletResponse.SC_NOT_FOUND, List.of(new Problem("job", "no job '" + id + "'")));
                    return true;
                }
                json(response, progress(job.get()));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    Map<String, Object> progress(JobInfo job) {
        List<ProgressHistory.Point> points = history.points(job.id(), job.progress());
        Map<String, Object> body = summary(job);
        body.put("points", points.size());
        body.put("charts", ProgressHistory.charts(points));
        body.put("fields", fields(job));
        return body;
    }

    static Map<String, Object> summary(JobInfo job) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", job.id());
        s.put("algorithm", job.request().algorithm());
        s.put("state", job.state().name());
        s.put("reason", job.reason());
        s.put("terminal", job.state().isTerminal());
        JobProgress p = job.progress();
        s.put("epoch", p == null ? null : p.epoch());
        s.put("epochs", p == null ? null : p.epochs());
        s.put("step", p == null ? null : p.step());
        s.put("totalSteps", p == null ? null : p.totalSteps());
        s.put("loss", p == null ? null : ProgressHistory.finite(p.loss()));
        s.put("model", job.model());
        s.put("accelerator", job.accelerator());
        return s;
    }

    /** The text of the live cells of a job's table row, by element id. */
    static Map<String, String> fields(JobInfo job) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("state-" + job.id(), job.state().name());
        f.put("progress-" + job.id(), progressText(job));
        f.put("loss-" + job.id(), job.progress() == null ? "-" : Html.number(job.progress().loss()));
        f.put("reason-" + job.id(), job.reason() == null ? "" : job.reason());
        return f;
    }

    static String progressText(JobInfo job) {
        JobProgress p = job.progress();
        if (p == null) {
            return job.state() == JobState.SUCCEEDED ? "100%" : "-";
        }
        long percent = p.totalSteps() <= 0 ? 0 : Math.round(100.0 * p.step() / p.totalSteps());
        return percent + "% (epoch " + p.epoch() + "/" + p.epochs() + ", step " + p.step() + "/" + p.totalSteps() + ")";
    }

    // ---- actions -----------------------------------------------------------------------------

    @Override
    void post(String action, HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (action) {
            case "start" -> start(request, response);
            case "cancel" -> cancel(request, response);
            default -> refuse(request, response, HttpServletResponse.SC_BAD_REQUEST,
                    List.of(new Problem("action", "expected start or cancel, got '" + action + "'")));
        }
    }

    private void start(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<Problem> problems = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        datasets.list().forEach(d -> known.add(d.name()));
        JobRequest job = StartForm.parse(request::getParameter, Collections.list(request.getParameterNames()), algorithms(),
                known, problems);
        if (job == null) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, problems);
            return;
        }
        JobInfo submitted;
        try {
            submitted = jobs.submit(job);
        } catch (InvalidRequestException e) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, List.of(new Problem(null, e.getMessage())));
            return;
        } catch (IllegalStateException e) {
            refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, List.of(new Problem(null, e.getMessage())));
            return;
        }
        seeOther(request, response, "job=" + Html.query(submitted.id()));
    }

    private void cancel(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getParameter("job");
        Optional<JobInfo> job = id == null ? Optional.empty() : jobs.get(id);
        if (job.isEmpty()) {
            refuse(request, response, HttpServletResponse.SC_NOT_FOUND, List.of(new Problem("job", "no job '" + id + "'")));
            return;
        }
        if (job.get().state().isTerminal()) {
            refuse(request, response, HttpServletResponse.SC_CONFLICT, List.of(new Problem("job",
                    "job " + id + " has already ended (" + job.get().state() + ")")));
            return;
        }
        String user = user(request);
        jobs.cancel(id, "cancelled in the web console" + (user == null ? "" : " by " + user));
        seeOther(request, response, "job=" + Html.query(id));
    }

    // ---- page --------------------------------------------------------------------------------

    @Override
    void render(HttpServletRequest request, PrintWriter out) {
        String base = base(request);
        List<JobInfo> all = jobs.list();
        out.println("<div data-live='" + Html.attr(base + "/jobs.json") + "' data-interval='2000'></div>");
        out.println("<h2>Jobs</h2>");
        if (all.isEmpty()) {
            out.println("<p class='empty'>No jobs yet: start one below.</p>");
        } else {
            out.println("<table class='tablesorter nicetable' id='jobs'><thead><tr><th>Job</th><th>Algorithm</th><th>State</th>"
                    + "<th>Progress</th><th>Loss</th><th>Data</th><th>Device</th><th>Model</th><th>Created</th><th>Reason</th>"
                    + "<th></th></tr></thead><tbody>");
            for (JobInfo job : all) {
                row(request, out, job);
            }
            out.println("</tbody></table>");
        }
        String selected = request.getParameter("job");
        JobInfo charted = all.stream().filter(j -> j.id().equals(selected)).findFirst()
                .or(() -> all.stream().filter(j -> j.state() == JobState.RUNNING).findFirst())
                .or(() -> all.stream().findFirst()).orElse(null);
        if (charted != null) {
            String source = base + "/progress.json?job=" + Html.query(charted.id());
            out.println("<h2>Progress of <span id='charted-job'>" + Html.text(charted.id()) + "</span> ("
                    + Html.text(charted.request().algorithm()) + ")</h2>");
            out.println("<div class='neurite-charts' data-live='" + Html.attr(source) + "' data-interval='1000'>");
            out.println("<div class='neurite-chart' id='loss-chart' data-chart='loss' data-title='Loss' data-x='step' data-points='0'></div>");
            out.println("<div class='neurite-chart' id='accuracy-chart' data-chart='accuracy' data-title='Accuracy' data-x='step' data-points='0'></div>");
            out.println("</div>");
        }
        startForms(request, out);
    }

    private void row(HttpServletRequest request, PrintWriter out, JobInfo job) {
        String id = job.id();
        JobRequest r = job.request();
        out.println("<tr data-job='" + Html.attr(id) + "'>");
        out.println("<td><a href='" + Html.attr(base(request) + "?job=" + Html.query(id)) + "'>" + Html.text(id) + "</a></td>");
        out.println("<td>" + Html.text(r.algorithm()) + "</td>");
        out.println("<td class='state' id='" + Html.attr("state-" + id) + "'>" + Html.text(job.state()) + "</td>");
        out.println("<td id='" + Html.attr("progress-" + id) + "'>" + Html.text(progressText(job)) + "</td>");
        out.println("<td id='" + Html.attr("loss-" + id) + "'>" + Html.text(job.progress() == null ? "-" : Html.number(job.progress().loss())) + "</td>");
        out.println("<td>" + Html.text(r.trainDataset()) + (r.testDataset() == null ? "" : " / " + Html.text(r.testDataset())) + "</td>");
        out.println("<td>" + Html.text(job.accelerator() == null ? "-" : job.accelerator()) + "</td>");
        out.println("<td>" + modelLink(request, job.model()) + "</td>");
        out.println("<td>" + Html.text(TIME.format(job.createdAt())) + "</td>");
        out.println("<td id='" + Html.attr("reason-" + id) + "'>" + Html.text(job.reason() == null ? "" : job.reason()) + "</td>");
        out.print("<td>");
        if (!job.state().isTerminal()) {
            out.print("<form method='post' action='" + Html.attr(base(request)) + "' class='cancel-form'>" + CsrfTokens.field(request)
                    + "<input type='hidden' name='action' value='cancel'><input type='hidden' name='job' value='" + Html.attr(id)
                    + "'><button type='submit' class='ui-state-default ui-corner-all' id='" + Html.attr("cancel-" + id)
                    + "'>Cancel</button></form>");
        }
        out.println("</td></tr>");
    }

    private String modelLink(HttpServletRequest request, String model) {
        if (model == null) {
            return "-";
        }
        int colon = model.lastIndexOf(':');
        if (colon < 0) {
            return Html.text(model);
        }
        Object root = request.getAttribute(org.apache.felix.webconsole.servlet.ServletConstants.ATTR_APP_ROOT);
        String href = (root == null ? "" : root) + "/" + ModelsPlugin.LABEL + "?name=" + Html.query(model.substring(0, colon))
                + "&version=" + Html.query(model.substring(colon + 1));
        return "<a href='" + Html.attr(href) + "'>" + Html.text(model) + "</a>";
    }

    private void startForms(HttpServletRequest request, PrintWriter out) {
        List<TrainingAlgorithm> list = algorithms();
        out.println("<h2>Start a job</h2>");
        if (list.isEmpty()) {
            out.println("<p class='empty'>No training algorithm is installed.</p>");
            return;
        }
        List<DatasetInfo> sets = datasets.list();
        out.print("<p><label>Algorithm <select id='algorithm-select' class='neurite-switch' data-switch='start-form'>");
        for (TrainingAlgorithm a : list) {
            out.print("<option value='" + Html.attr(a.name()) + "'>" + Html.text(a.name()) + "</option>");
        }
        out.println("</select></label></p>");
        AcceleratorRegistry registry = accelerators;
        for (TrainingAlgorithm a : list) {
            out.println("<form method='post' action='" + Html.attr(base(request)) + "' class='start-form' id='"
                    + Html.attr("start-" + a.name()) + "' data-switch-value='" + Html.attr(a.name()) + "'>");
            out.println(CsrfTokens.field(request) + "<input type='hidden' name='action' value='start'>"
                    + "<input type='hidden' name='algorithm' value='" + Html.attr(a.name()) + "'>");
            out.println("<p class='description'>" + Html.text(a.description()) + " <small>(version " + Html.text(a.version()) + ")</small></p>");
            out.println("<table class='nicetable'><tbody>");
            out.print("<tr><td><label>Training data</label></td><td><select name='dataset'>");
            for (DatasetInfo d : sets) {
                out.print("<option" + (d.name().equals("mnist/train") ? " selected" : "") + " value='" + Html.attr(d.name()) + "'>"
                        + Html.text(d.name()) + "</option>");
            }
            out.println("</select></td><td>registry name of the training set</td></tr>");
            out.print("<tr><td><label>Test data</label></td><td><select name='testDataset'><option value=''>matching /test set</option>"
                    + "<option value='none'>none</option>");
            for (DatasetInfo d : sets) {
                out.print("<option value='" + Html.attr(d.name()) + "'>" + Html.text(d.name()) + "</option>");
            }
            out.println("</select></td><td>evaluated at the end of each epoch</td></tr>");
            for (Hyperparameter h : a.hyperparameters()) {
                out.print("<tr><td><label>" + Html.text(h.name()) + "</label></td><td>" + input(h) + "</td><td>"
                        + Html.text(h.description()) + bounds(h) + "</td></tr>");
            }
            out.println("<tr><td><label>Model name</label></td><td><input type='text' name='modelName' placeholder='the job id'"
                    + " pattern='[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}'></td><td>name of the stored result</td></tr>");
            out.println("<tr><td><label>Seed</label></td><td><input type='number' name='seed' value='1' step='1'></td>"
                    + "<td>equal seeds give equal runs</td></tr>");
            out.print("<tr><td><label>Device</label></td><td><select name='accelerator'><option value=''>default</option>");
            if (registry != null) {
                for (AcceleratorDescriptor d : registry.list()) {
                    out.print("<option value='" + Html.attr(d.id()) + "'>" + Html.text(d.id()) + "</option>");
                }
            }
            out.println("</select></td><td>where the job runs; it falls back if the device is busy</td></tr>");
            out.println("</tbody></table><p><button type='submit' class='ui-state-default ui-corner-all' id='"
                    + Html.attr("submit-" + a.name()) + "'>Start " + Html.text(a.name()) + "</button></p></form>");
        }
    }

    private static String input(Hyperparameter h) {
        String name = Html.attr(StartForm.HYPERPARAMETER + h.name());
        String title = " title='" + Html.attr(h.description()) + "'";
        switch (h.type()) {
            case INT, DOUBLE -> {
                return "<input type='number' name='" + name + "' value='" + Html.attr(h.defaultValue()) + "'"
                        + (h.min() == null ? "" : " min='" + Html.attr(plain(h.min())) + "'")
                        + (h.max() == null ? "" : " max='" + Html.attr(plain(h.max())) + "'")
                        + " step='" + (h.type() == dev.neurite.api.algorithm.HyperparameterType.INT ? "1" : "any") + "'" + title + ">";
            }
            case BOOLEAN -> {
                return "<select name='" + name + "'" + title + ">" + option("true", h.defaultValue()) + option("false", h.defaultValue())
                        + "</select>";
            }
            case CHOICE -> {
                StringBuilder s = new StringBuilder("<select name='" + name + "'" + title + ">");
                h.choices().forEach(c -> s.append(option(c, h.defaultValue())));
                return s.append("</select>").toString();
            }
            default -> {
                return "<input type='text' name='" + name + "' value='" + Html.attr(h.defaultValue()) + "'" + title + ">";
            }
        }
    }

    private static String option(String value, String selected) {
        return "<option value='" + Html.attr(value) + "'" + (value.equals(selected) ? " selected" : "") + ">" + Html.text(value) + "</option>";
    }

    private static String bounds(Hyperparameter h) {
        if (h.min() == null && h.max() == null) {
            return "";
        }
        return " <small>[" + Html.text(h.min() == null ? "…" : plain(h.min())) + ", " + Html.text(h.max() == null ? "…" : plain(h.max()))
                + "], default " + Html.text(h.defaultValue()) + "</small>";
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }
}
