package dev.neurite.edge.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.model.ModelStore;
import oshi.hardware.HardwareAbstractionLayer;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Wires the standard command set into a dispatcher and builds the documents the device
 * describes itself with. The services are suppliers so that OSGi services may come and go
 * (a missing one answers 503).
 */
public final class AgentCommands {

    /** What the commands and documents draw on. */
    public record Services(Supplier<JobManager> jobs, Supplier<List<TrainingAlgorithm>> algorithms,
                           Supplier<ModelStore> models, Supplier<AcceleratorRegistry> accelerators,
                           Supplier<BundleControl> bundles, ConfigAccess config, String runtimeVersion,
                           String agentVersion) {
    }

    private AgentCommands() {
    }

    public static void register(EdgeAgent agent, Services services, BundleCommands.Settings bundleSettings,
                                HardwareAbstractionLayer hardware, LongSupplier clock) {
        register(agent, services, bundleSettings, BundleSignatures.Policy.none(), hardware, clock);
    }

    public static void register(EdgeAgent agent, Services services, BundleCommands.Settings bundleSettings,
                                BundleSignatures.Policy signatures, HardwareAbstractionLayer hardware, LongSupplier clock) {
        CommandDispatcher d = agent.dispatcher();
        new BundleCommands(services.bundles(), bundleSettings, clock, new BundleSignatures(signatures)).register(d);
        new JobCommands(services.jobs(), services.algorithms()).register(d);
        int chunk = Math.max(1024, Math.min(256 * 1024, agent.settings().maxPayloadBytes() / 2));
        new ModelCommands(services.models(), chunk, Math.max(chunk, agent.settings().maxPayloadBytes() / 2)).register(d);
        new DeviceCommands(() -> deviceInfo(agent, services, hardware), services.config()).register(d);
    }

    /** The retained birth document, without the fields the agent adds (online, device, ts). */
    public static JsonObject birth(Services services, List<BundleControl.BundleInfo> bundles) {
        JsonObject doc = new JsonObject();
        JsonObject runtime = new JsonObject();
        runtime.addProperty("version", services.runtimeVersion());
        runtime.addProperty("agent", services.agentVersion());
        runtime.addProperty("java", System.getProperty("java.version"));
        runtime.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        doc.add("runtime", runtime);
        JsonArray b = new JsonArray();
        for (BundleControl.BundleInfo info : bundles) {
            JsonObject o = new JsonObject();
            o.addProperty("id", info.id());
            o.addProperty("symbolicName", info.symbolicName());
            o.addProperty("version", info.version());
            o.addProperty("state", info.state());
            b.add(o);
        }
        doc.add("bundles", b);
        JsonArray algorithms = new JsonArray();
        for (TrainingAlgorithm a : services.algorithms().get()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", a.name());
            o.addProperty("version", a.version());
            algorithms.add(o);
        }
        doc.add("algorithms", algorithms);
        doc.add("accelerators", accelerators(services));
        return doc;
    }

    static JsonArray accelerators(Services services) {
        JsonArray list = new JsonArray();
        AcceleratorRegistry registry = services.accelerators().get();
        if (registry != null) {
            for (AcceleratorDescriptor a : registry.list()) {
                list.add(Json.tree(a));
            }
        }
        return list;
    }

    static JsonObject deviceInfo(EdgeAgent agent, Services services, HardwareAbstractionLayer hardware) {
        JsonObject info = new JsonObject();
        info.addProperty("device", agent.settings().deviceId());
        info.addProperty("runtimeVersion", services.runtimeVersion());
        info.addProperty("agentVersion", services.agentVersion());
        info.addProperty("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        info.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        info.addProperty("arch", System.getProperty("os.arch"));
        if (hardware != null) {
            info.addProperty("cpu", hardware.getProcessor().getProcessorIdentifier().getName().trim());
            info.addProperty("cores", hardware.getProcessor().getLogicalProcessorCount());
            info.addProperty("memoryBytes", hardware.getMemory().getTotal());
        }
        info.add("accelerators", accelerators(services));
        EdgeAgent.Status s = agent.status();
        JsonObject mqtt = new JsonObject();
        mqtt.addProperty("broker", s.broker());
        mqtt.addProperty("connects", s.connects());
        mqtt.addProperty("outboxDepth", s.outbox().depth());
        mqtt.addProperty("outboxDropped", s.outbox().dropped());
        mqtt.addProperty("lastSeq", s.outbox().lastSeq());
        info.add("mqtt", mqtt);
        return info;
    }
}
