package dev.neurite.webconsole;

import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelNotFoundException;
import dev.neurite.api.model.ModelStore;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Models: every stored version, its architecture, metrics and provenance, download and delete. */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + ModelsPlugin.LABEL,
        "felix.webconsole.title=Models",
        "felix.webconsole.category=" + NeuritePlugin.CATEGORY})
public class ModelsPlugin extends NeuritePlugin {

    private static final long serialVersionUID = 1L;
    static final String LABEL = "neurite-models";

    private final transient ModelStore models;

    @Activate
    public ModelsPlugin(@Reference ModelStore models) {
        this.models = models;
    }

    @Override
    String label() {
        return LABEL;
    }

    /** A model version named by the request's {@code name} and {@code version}. */
    private record Ref(String name, int version) {
    }

    private static Ref ref(HttpServletRequest request, List<Problem> problems) {
        String name = request.getParameter("name");
        String version = request.getParameter("version");
        if (name == null || name.isBlank()) {
            problems.add(new Problem("name", "a model name is required"));
        }
        int v = 0;
        try {
            v = Integer.parseInt(version == null ? "" : version.trim());
            if (v < 1) {
                problems.add(new Problem("version", "versions count from 1, got '" + version + "'"));
            }
        } catch (NumberFormatException e) {
            problems.add(new Problem("version", "expected a version number, got '" + version + "'"));
        }
        return problems.isEmpty() ? new Ref(name.trim(), v) : null;
    }

    @Override
    boolean get(String sub, HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (sub) {
            case "models.json" -> {
                json(response, Map.of("models", models.list().stream().map(ModelsPlugin::summary).toList()));
                return true;
            }
            case "download" -> {
                download(request, response);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    static Map<String, Object> summary(ModelInfo m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", m.name());
        s.put("version", m.version());
        s.put("algorithm", m.algorithm());
        s.put("architecture", m.spec().describe());
        s.put("createdAt", m.createdAt() == null ? null : m.createdAt().toString());
        s.put("sizeBytes", m.sizeBytes());
        Map<String, Double> metrics = new LinkedHashMap<>();
        m.metrics().forEach((k, v) -> metrics.put(k, ProgressHistory.finite(v)));
        s.put("metrics", metrics);
        s.put("attributes", m.attributes());
        return s;
    }

    private void download(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<Problem> problems = new java.util.ArrayList<>();
        Ref ref = ref(request, problems);
        String file = request.getParameter("file");
        if (ref == null) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, problems);
            return;
        }
        List<Path> files;
        try {
            files = models.files(ref.name(), ref.version());
        } catch (ModelNotFoundException e) {
            refuse(request, response, HttpServletResponse.SC_NOT_FOUND, List.of(new Problem("name", e.getMessage())));
            return;
        } catch (InvalidRequestException e) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, List.of(new Problem(e.field(), e.getMessage())));
            return;
        }
        // Only the files the store names for this version: the parameter is never used as a path.
        Optional<Path> chosen = files.stream().filter(p -> p.getFileName().toString().equals(file)).findFirst();
        if (chosen.isEmpty()) {
            refuse(request, response, HttpServletResponse.SC_NOT_FOUND, List.of(new Problem("file", "model " + ref.name() + ":"
                    + ref.version() + " has no file '" + file + "'; it has " + files.stream().map(p -> p.getFileName().toString()).toList())));
            return;
        }
        Path path = chosen.get();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(file.endsWith(".json") ? "application/json" : "application/octet-stream");
        response.setContentLengthLong(Files.size(path));
        String download = (ref.name() + "-v" + ref.version() + "-" + file).replaceAll("[^A-Za-z0-9._-]", "_");
        response.setHeader("Content-Disposition", "attachment; filename=\"" + download + "\"");
        Files.copy(path, response.getOutputStream());
    }

    @Override
    void post(String action, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!action.equals("delete")) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, List.of(new Problem("action", "expected delete, got '" + action + "'")));
            return;
        }
        List<Problem> problems = new java.util.ArrayList<>();
        Ref ref = ref(request, problems);
        if (ref == null) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, problems);
            return;
        }
        try {
            models.delete(ref.name(), ref.version());
        } catch (ModelNotFoundException e) {
            refuse(request, response, HttpServletResponse.SC_NOT_FOUND, List.of(new Problem("name", e.getMessage())));
            return;
        } catch (InvalidRequestException e) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, List.of(new Problem(e.field(), e.getMessage())));
            return;
        }
        seeOther(request, response, "deleted=" + Html.query(ref.name() + ":" + ref.version()));
    }

    @Override
    void render(HttpServletRequest request, PrintWriter out) throws IOException {
        String base = base(request);
        String deleted = request.getParameter("deleted");
        if (deleted != null) {
            out.println("<p class='notice' id='deleted'>Deleted " + Html.text(deleted) + ".</p>");
        }
        if (request.getParameter("name") != null) {
            details(request, out);
        }
        List<ModelInfo> all = models.list();
        out.println("<h2>Models</h2>");
        if (all.isEmpty()) {
            out.println("<p class='empty'>No models stored yet: a job that succeeds stores one.</p>");
            return;
        }
        out.println("<table class='tablesorter nicetable' id='models'><thead><tr><th>Model</th><th>Version</th><th>Algorithm</th>"
                + "<th>Architecture</th><th>Metrics</th><th>Size</th><th>Created</th><th></th></tr></thead><tbody>");
        for (ModelInfo m : all) {
            String query = "name=" + Html.query(m.name()) + "&version=" + m.version();
            out.println("<tr data-model='" + Html.attr(m.reference()) + "'>");
            out.println("<td><a href='" + Html.attr(base + "?" + query) + "'>" + Html.text(m.name()) + "</a></td>");
            out.println("<td>" + m.version() + "</td><td>" + Html.text(m.algorithm()) + "</td>");
            out.println("<td>" + Html.text(m.spec().describe()) + "</td>");
            out.println("<td>" + Html.text(metrics(m.metrics())) + "</td>");
            out.println("<td>" + Html.text(Html.bytes(m.sizeBytes())) + "</td>");
            out.println("<td>" + Html.text(JobsPlugin.time(m.createdAt())) + "</td>");
            out.println("<td><a href='" + Html.attr(base + "?" + query) + "'>details</a> "
                    + "<a href='" + Html.attr(base + "/download?" + query + "&file=model.safetensors") + "'>download</a> "
                    + deleteForm(request, m) + "</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private String deleteForm(HttpServletRequest request, ModelInfo m) {
        return "<form method='post' class='delete-form' action='" + Html.attr(base(request)) + "' data-confirm='"
                + Html.attr("Delete model " + m.reference() + "?") + "'>" + CsrfTokens.field(request)
                + "<input type='hidden' name='action' value='delete'><input type='hidden' name='name' value='" + Html.attr(m.name())
                + "'><input type='hidden' name='version' value='" + m.version() + "'>"
                + "<button type='submit' class='ui-state-default ui-corner-all'>Delete</button></form>";
    }

    private void details(HttpServletRequest request, PrintWriter out) throws IOException {
        List<Problem> problems = new java.util.ArrayList<>();
        Ref ref = ref(request, problems);
        if (ref == null) {
            out.println("<p class='error'>" + Html.text(problems.stream().map(Problem::toString).collect(Collectors.joining("; "))) + "</p>");
            return;
        }
        ModelInfo m;
        List<Path> files;
        try {
            m = models.info(ref.name(), ref.version());
            files = models.files(ref.name(), ref.version());
        } catch (ModelNotFoundException | InvalidRequestException e) {
            out.println("<p class='error'>" + Html.text(e.getMessage()) + "</p>");
            return;
        }
        String base = base(request);
        out.println("<h2 id='model-details'>Model " + Html.text(m.reference()) + "</h2>");
        out.println("<table class='nicetable' id='model-summary'><tbody>");
        out.println("<tr><td>Algorithm</td><td>" + Html.text(m.algorithm()) + "</td></tr>");
        out.println("<tr><td>Architecture</td><td>" + Html.text(m.spec().describe()) + "</td></tr>");
        out.println("<tr><td>Input shape</td><td>" + Html.text(Arrays.toString(m.spec().inputShape())) + "</td></tr>");
        out.println("<tr><td>Created</td><td>" + Html.text(JobsPlugin.time(m.createdAt())) + "</td></tr>");
        out.println("<tr><td>Tensor file</td><td>" + Html.text(Html.bytes(m.sizeBytes())) + "</td></tr>");
        out.println("</tbody></table>");
        out.println("<h3>Layers</h3><table class='nicetable' id='model-layers'><thead><tr><th>#</th><th>Type</th><th>Units</th>"
                + "<th>Activation</th><th>Options</th></tr></thead><tbody>");
        int i = 1;
        for (LayerSpec layer : m.spec().layers()) {
            out.println("<tr><td>" + i++ + "</td><td>" + Html.text(layer.type()) + "</td><td>" + layer.units() + "</td><td>"
                    + Html.text(layer.activation().name().toLowerCase()) + "</td><td>" + Html.text(layer.options().isEmpty() ? "" : layer.options()) + "</td></tr>");
        }
        out.println("</tbody></table>");
        out.println("<h3>Metrics</h3>" + table("model-metrics", m.metrics().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Html.number(e.getValue()), (a, b) -> a, java.util.TreeMap::new))));
        out.println("<h3>Provenance</h3>" + table("model-attributes", new java.util.TreeMap<>(m.attributes())));
        out.println("<h3>Files</h3><ul id='model-files'>");
        for (Path f : files) {
            String file = f.getFileName().toString();
            out.println("<li><a href='" + Html.attr(base + "/download?name=" + Html.query(m.name()) + "&version=" + m.version()
                    + "&file=" + Html.query(file)) + "'>" + Html.text(file) + "</a> (" + Html.text(Html.bytes(Files.size(f))) + ")</li>");
        }
        out.println("</ul>" + deleteForm(request, m));
    }

    private static String table(String id, Map<String, String> rows) {
        if (rows.isEmpty()) {
            return "<p class='empty' id='" + Html.attr(id) + "'>none</p>";
        }
        StringBuilder s = new StringBuilder("<table class='nicetable' id='" + Html.attr(id) + "'><tbody>");
        rows.forEach((k, v) -> s.append("<tr><td>").append(Html.text(k)).append("</td><td>").append(Html.text(v)).append("</td></tr>"));
        return s.append("</tbody></table>").toString();
    }

    static String metrics(Map<String, Double> metrics) {
        return new java.util.TreeMap<>(metrics).entrySet().stream().map(e -> e.getKey() + "=" + Html.number(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
