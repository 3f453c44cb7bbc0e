package dev.neurite.webconsole;

import dev.neurite.api.mqtt.MqttAgent;
import dev.neurite.api.mqtt.MqttStatus;
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
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Device: CPU, memory and load with a short history, and the MQTT link with its outbox. */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + DevicePlugin.LABEL,
        "felix.webconsole.title=Device",
        "felix.webconsole.category=" + NeuritePlugin.CATEGORY})
public class DevicePlugin extends NeuritePlugin {

    private static final long serialVersionUID = 1L;
    static final String LABEL = "neurite-device";
    private static final double MIB = 1 << 20;

    private final transient DeviceSampler sampler;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile transient MqttAgent mqtt;

    @Activate
    public DevicePlugin(@Reference DeviceSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    String label() {
        return LABEL;
    }

    @Override
    boolean get(String sub, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!sub.equals("device.json")) {
            return false;
        }
        json(response, state());
        return true;
    }

    Map<String, Object> state() {
        List<DeviceSampler.Sample> history = sampler.history();
        List<Long> x = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> load = new ArrayList<>();
        List<Double> used = new ArrayList<>();
        List<Double> heap = new ArrayList<>();
        for (DeviceSampler.Sample s : history) {
            x.add(s.timeMillis() / 1000);
            cpu.add(Math.round(s.cpuLoad() * 1000) / 10.0);
            load.add(s.loadAverage1m() < 0 ? null : s.loadAverage1m());
            used.add(Math.round(s.memoryUsedBytes() / MIB * 10) / 10.0);
            heap.add(Math.round(s.heapUsedBytes() / MIB * 10) / 10.0);
        }
        Map<String, List<Double>> cpuSeries = new LinkedHashMap<>();
        cpuSeries.put("CPU %", cpu);
        cpuSeries.put("load average (1 min)", load);
        Map<String, List<Double>> memorySeries = new LinkedHashMap<>();
        memorySeries.put("memory used (MiB)", used);
        memorySeries.put("JVM heap used (MiB)", heap);
        Map<String, Object> charts = new LinkedHashMap<>();
        charts.put("cpu", ProgressHistory.chart(x, cpuSeries));
        charts.put("memory", ProgressHistory.chart(x, memorySeries));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("samples", history.size());
        body.put("latest", history.isEmpty() ? null : history.get(history.size() - 1));
        MqttStatus m = mqttStatus();
        body.put("mqtt", m);
        body.put("charts", charts);
        body.put("fields", fields(history.isEmpty() ? null : history.get(history.size() - 1), m));
        return body;
    }

    private MqttStatus mqttStatus() {
        MqttAgent agent = mqtt;
        return agent == null ? null : agent.status();
    }

    /** The live cells by element id. */
    static Map<String, String> fields(DeviceSampler.Sample s, MqttStatus m) {
        Map<String, String> f = new LinkedHashMap<>();
        if (s != null) {
            f.put("cpu-load", String.format("%.1f %%", s.cpuLoad() * 100));
            f.put("load-average", s.loadAverage1m() < 0 ? "-" : String.format("%.2f", s.loadAverage1m()));
            f.put("memory-used", Html.bytes(s.memoryUsedBytes()) + " of " + Html.bytes(s.memoryTotalBytes()));
            f.put("heap-used", Html.bytes(s.heapUsedBytes()) + " of " + Html.bytes(s.heapMaxBytes()));
        }
        if (m == null) {
            f.put("mqtt-connected", "no edge agent installed");
        } else {
            f.put("mqtt-connected", m.connected() ? "connected to " + m.broker() : "disconnected");
            f.put("mqtt-connects", m.connects() + " (connection losses " + m.connectionLosses() + ")");
            f.put("mqtt-last-error", m.lastError() == null ? "-" : m.lastError());
            f.put("outbox-queued", m.queued() + " (" + Html.bytes(m.queuedBytes()) + "), " + m.inflight() + " in flight");
            f.put("outbox-sent", m.acknowledged() + " acknowledged of " + m.enqueued());
            f.put("outbox-dropped", Long.toString(m.dropped()));
        }
        return f;
    }

    @Override
    void post(String action, HttpServletRequest request, HttpServletResponse response) throws IOException {
        refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, List.of(new Problem("action", "this page changes nothing")));
    }

    @Override
    void render(HttpServletRequest request, PrintWriter out) {
        Map<String, Object> state = state();
        @SuppressWarnings("unchecked")
        Map<String, String> fields = (Map<String, String>) state.get("fields");
        MqttStatus m = (MqttStatus) state.get("mqtt");
        out.println("<div data-live='" + Html.attr(base(request) + "/device.json") + "' data-interval='2000'>");
        out.println("<h2>Device</h2><table class='nicetable' id='device-facts'><tbody>");
        out.println("<tr><td>Processor</td><td>" + Html.text(sampler.processor()) + " (" + sampler.physicalCores() + " physical, "
                + sampler.logicalCores() + " logical cores)</td></tr>");
        out.println("<tr><td>Operating system</td><td>" + Html.text(System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " (" + System.getProperty("os.arch") + ")") + "</td></tr>");
        out.println("<tr><td>Java</td><td>" + Html.text(System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
                + ", up " + ManagementFactory.getRuntimeMXBean().getUptime() / 1000 + " s</td></tr>");
        row(out, "CPU load", "cpu-load", fields);
        row(out, "Load average (1 min)", "load-average", fields);
        row(out, "Memory used", "memory-used", fields);
        row(out, "JVM heap used", "heap-used", fields);
        out.println("</tbody></table>");
        out.println("<div class='neurite-chart' id='cpu-chart' data-chart='cpu' data-title='CPU' data-x='time' data-points='0'></div>");
        out.println("<div class='neurite-chart' id='memory-chart' data-chart='memory' data-title='Memory' data-x='time' data-points='0'></div>");
        out.println("<h2>MQTT</h2><table class='nicetable' id='mqtt'><tbody>");
        if (m != null) {
            out.println("<tr><td>Device id</td><td>" + Html.text(m.deviceId()) + "</td></tr>");
            out.println("<tr><td>Brokers</td><td>" + Html.text(String.join(", ", m.brokers())) + "</td></tr>");
        }
        row(out, "Connection", "mqtt-connected", fields);
        if (m != null) {
            row(out, "Connects", "mqtt-connects", fields);
            row(out, "Last error", "mqtt-last-error", fields);
            row(out, "Outbox queued", "outbox-queued", fields);
            row(out, "Outbox sent", "outbox-sent", fields);
            row(out, "Outbox dropped (full)", "outbox-dropped", fields);
        }
        out.println("</tbody></table></div>");
    }

    private static void row(PrintWriter out, String name, String id, Map<String, String> fields) {
        out.println("<tr><td>" + Html.text(name) + "</td><td id='" + Html.attr(id) + "'>" + Html.text(fields.getOrDefault(id, "-"))
                + "</td></tr>");
    }
}
