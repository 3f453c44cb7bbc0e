package dev.neurite.webconsole;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.accelerator.AcceleratorUsage;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Accelerators: each device, how much of it jobs hold, and which job is placed where and why. */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + AcceleratorsPlugin.LABEL,
        "felix.webconsole.title=Accelerators",
        "felix.webconsole.category=" + NeuritePlugin.CATEGORY})
public class AcceleratorsPlugin extends NeuritePlugin {

    private static final long serialVersionUID = 1L;
    static final String LABEL = "neurite-accelerators";

    private final transient AcceleratorRegistry accelerators;
    private final transient JobManager jobs;

    @Activate
    public AcceleratorsPlugin(@Reference AcceleratorRegistry accelerators, @Reference JobManager jobs) {
        this.accelerators = accelerators;
        this.jobs = jobs;
    }

    @Override
    String label() {
        return LABEL;
    }

    @Override
    boolean get(String sub, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!sub.equals("accelerators.json")) {
            return false;
        }
        List<Map<String, Object>> devices = new ArrayList<>();
        for (AcceleratorDescriptor d : accelerators.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("kind", d.kind().name());
            m.put("name", d.name());
            m.put("backend", d.backend());
            m.put("memoryBytes", d.memoryBytes());
            m.put("cores", d.cores());
            m.put("simdWidthBits", d.simdWidthBits());
            m.put("usage", accelerators.usage(d.id()).orElse(null));
            m.put("jobs", placed(d.id()).stream().map(JobInfo::id).toList());
            devices.add(m);
        }
        json(response, Map.of("devices", devices));
        return true;
    }

    /** Jobs queued or running on device {@code id}. */
    private List<JobInfo> placed(String id) {
        return jobs.list().stream().filter(j -> !j.state().isTerminal() && id.equals(j.accelerator())).toList();
    }

    @Override
    void post(String action, HttpServletRequest request, HttpServletResponse response) throws IOException {
        refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, List.of(new Problem("action", "this page changes nothing")));
    }

    @Override
    void render(HttpServletRequest request, PrintWriter out) {
        out.println("<h2>Devices</h2>");
        out.println("<table class='nicetable' id='devices'><thead><tr><th>Device</th><th>Kind</th><th>Backend</th><th>Name</th>"
                + "<th>Cores</th><th>SIMD</th><th>Memory</th><th>Job slots</th><th>Memory reserved</th></tr></thead><tbody>");
        for (AcceleratorDescriptor d : accelerators.list()) {
            Optional<AcceleratorUsage> usage = accelerators.usage(d.id());
            out.println("<tr data-device='" + Html.attr(d.id()) + "'><td>" + Html.text(d.id()) + "</td><td>" + Html.text(d.kind())
                    + "</td><td>" + Html.text(d.backend()) + "</td><td>" + Html.text(d.name()) + "</td><td>" + d.cores() + "</td><td>"
                    + (d.simdWidthBits() > 0 ? d.simdWidthBits() + " bit" : "-") + "</td><td>" + Html.text(Html.bytes(d.memoryBytes()))
                    + "</td>");
            if (usage.isPresent()) {
                AcceleratorUsage u = usage.get();
                out.println("<td class='slots'>" + Html.bar(u.slotUtilisation(), u.runningJobs() + " of " + u.jobSlots() + " running")
                        + "</td><td class='memory'>" + Html.bar(u.memoryUtilisation(), Html.bytes(u.reservedBytes()) + " of "
                        + Html.bytes(u.budgetBytes())) + "</td>");
            } else {
                out.println("<td>-</td><td>-</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
        out.println("<h2>Placements</h2>");
        List<JobInfo> active = jobs.list().stream().filter(j -> !j.state().isTerminal()).toList();
        if (active.isEmpty()) {
            out.println("<p class='empty' id='no-placements'>No job is queued or running.</p>");
            return;
        }
        out.println("<table class='nicetable' id='placements'><thead><tr><th>Job</th><th>Algorithm</th><th>State</th><th>Asked for</th>"
                + "<th>Placed on</th><th>Why</th></tr></thead><tbody>");
        for (JobInfo j : active) {
            String asked = j.request().accelerator() == null ? "default device" : j.request().accelerator();
            out.println("<tr data-job='" + Html.attr(j.id()) + "'><td>" + Html.text(j.id()) + "</td><td>" + Html.text(j.request().algorithm())
                    + "</td><td>" + Html.text(j.state()) + "</td><td>" + Html.text(asked) + "</td><td>"
                    + Html.text(j.accelerator() == null ? "not yet placed" : j.accelerator()) + "</td><td>"
                    + Html.text(j.reason() == null ? "" : j.reason()) + "</td></tr>");
        }
        out.println("</tbody></table>");
    }
}
