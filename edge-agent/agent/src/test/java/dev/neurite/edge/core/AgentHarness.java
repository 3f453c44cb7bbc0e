package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import dev.neurite.algorithm.softmax.SoftmaxRegression;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.runtime.accelerator.JavaAccelerators;
import dev.neurite.runtime.data.DataDirectoryRegistry;
import dev.neurite.runtime.jobs.JobEngine;
import dev.neurite.runtime.store.FileModelStore;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The agent core wired as the framework wires it, but without OSGi: the real job engine
 * with the softmax-regression algorithm on the generated blobs data, a file model store,
 * and the MQTT agent on a test broker.
 */
final class AgentHarness implements AutoCloseable {

    final Path home;
    final JobEngine engine;
    final FileModelStore models;
    final EdgeAgent agent;
    final Map<String, Object> config = new LinkedHashMap<>();
    private final AtomicReference<JobTelemetry> telemetry = new AtomicReference<>();

    AgentHarness(Path home, String deviceId, String brokerUri, UnaryOperator<AgentSettings> tweak) throws Exception {
        this(home, deviceId, brokerUri, tweak, () -> null);
    }

    AgentHarness(Path home, String deviceId, String brokerUri, UnaryOperator<AgentSettings> tweak,
                 java.util.function.Supplier<BundleControl> bundles) throws Exception {
        this.home = home;
        models = new FileModelStore(home.resolve("models"));
        DataDirectoryRegistry datasets = new DataDirectoryRegistry(List.of(home.resolve("data")));
        engine = new JobEngine(new JobEngine.Settings(home.resolve("jobs"), 1, 10, 100, 20, 10_000), datasets,
                datasets::exists, models, new JavaAccelerators(), (topic, props) -> {
                    JobTelemetry t = telemetry.get();
                    if (t != null) {
                        t.onEvent(topic, props);
                    }
                });
        engine.addAlgorithm(new SoftmaxRegression());
        AgentSettings settings = tweak.apply(AgentSettings.defaults(deviceId, brokerUri, home.resolve("outbox"))
                .withReconnect(200, 1_000));
        config.put("deviceId", deviceId);
        config.put("password", "********");
        ConfigAccess access = new ConfigAccess() {
            @Override
            public Map<String, Object> get() {
                return config;
            }

            @Override
            public Map<String, Object> set(Map<String, Object> changes) throws CommandException {
                for (String key : changes.keySet()) {
                    if (!Set.of("metricsIntervalSeconds", "deviceId").contains(key)) {
                        throw CommandException.badRequest("args.properties." + key, "unknown setting");
                    }
                }
                config.putAll(changes);
                return config;
            }
        };
        AgentCommands.Services services = new AgentCommands.Services(() -> engine,
                () -> List.<TrainingAlgorithm>copyOf(engine.algorithms()), () -> models, JavaAccelerators::new,
                bundles, access, "0.1.0-test", "0.1.0-test");
        SystemMetrics metrics = new SystemMetrics(home);
        agent = new EdgeAgent(settings, () -> {
            List<BundleControl.BundleInfo> list = bundles.get() == null ? List.of() : bundles.get().list();
            return AgentCommands.birth(services, list);
        }, metrics);
        telemetry.set(new JobTelemetry(agent, settings.progressIntervalMillis(), System::currentTimeMillis));
        AgentCommands.register(agent, services, new BundleCommands.Settings(8 << 20, Set.of("http", "https"), 5_000,
                600_000), metrics.hardware(), System::currentTimeMillis);
        agent.start();
    }

    void awaitConnected() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!agent.isConnected()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("agent did not connect: " + agent.status());
            }
            Thread.sleep(10);
        }
    }

    JsonObject status() {
        return Json.tree(agent.status()).getAsJsonObject();
    }

    @Override
    public void close() {
        agent.close();
        engine.close();
    }
}
