package dev.neurite.edge.osgi;

import com.google.gson.JsonObject;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.job.JobEvents;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.model.ModelStore;
import dev.neurite.api.mqtt.MqttAgent;
import dev.neurite.api.mqtt.MqttStatus;
import dev.neurite.edge.Topics;
import dev.neurite.edge.core.AgentCommands;
import dev.neurite.edge.core.AgentSettings;
import dev.neurite.edge.core.BundleCommands;
import dev.neurite.edge.core.BundleControl;
import dev.neurite.edge.core.BundleSignatures;
import dev.neurite.edge.core.EdgeAgent;
import dev.neurite.edge.core.FrameworkBundles;
import dev.neurite.edge.core.JobTelemetry;
import dev.neurite.edge.core.Outbox;
import dev.neurite.edge.core.SystemMetrics;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The edge agent in the framework: builds the plain-Java {@link EdgeAgent} from its
 * configuration, hands it the runtime's services as they come and go, forwards job events
 * from EventAdmin and bundle events from the framework, and republishes the birth
 * document when bundles or algorithms change.
 */
@Component(configurationPid = AgentComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {AgentComponent.class, MqttAgent.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + JobEvents.TOPIC_PREFIX + "*")
@Designate(ocd = AgentConfig.class)
public class AgentComponent implements EventHandler, MqttAgent {

    public static final String PID = "dev.neurite.edge.agent";
    private static final Logger LOG = Logger.getLogger(AgentComponent.class.getName());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile JobManager jobs;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelStore models;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AcceleratorRegistry accelerators;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ConfigurationAdmin configAdmin;

    /**
     * The embedded broker, when installed (it registers as a ConfigurationListener). A static
     * reference makes SCR stop the agent before the broker, so a clean shutdown still gets its
     * offline state out; when the broker comes later, the agent restarts and connects at once.
     */
    @Reference(service = ConfigurationListener.class, cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY, target = "(component.name=dev.neurite.edge.broker.BrokerComponent)")
    ConfigurationListener embeddedBroker;

    private final List<TrainingAlgorithm> algorithms = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService debounce = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "neurite-mqtt-birth");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> pendingBirth;
    private volatile EdgeAgent agent;
    private volatile JobTelemetry telemetry;
    private BundleContext context;
    private BundleListener bundleListener;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAlgorithm(TrainingAlgorithm algorithm) {
        algorithms.add(algorithm);
        birthChanged();
    }

    void removeAlgorithm(TrainingAlgorithm algorithm) {
        algorithms.remove(algorithm);
        birthChanged();
    }

    @Activate
    void activate(BundleContext context, AgentConfig config, Map<String, Object> properties) throws Exception {
        this.context = context;
        AgentSettings settings = settings(context, config);
        FrameworkBundles bundles = new FrameworkBundles(context, context.getDataFile("bundle-archive").toPath());
        OsgiConfigAccess configAccess = new OsgiConfigAccess(() -> configAdmin, properties, debounce);
        AgentCommands.Services services = new AgentCommands.Services(() -> jobs, this::algorithms, () -> models,
                () -> accelerators, () -> bundles, configAccess, runtimeVersion(context),
                context.getBundle().getVersion().toString());
        Path home = Path.of(System.getProperty("neurite.home", ".")).toAbsolutePath();
        SystemMetrics metrics = new SystemMetrics(home);
        EdgeAgent created = new EdgeAgent(settings, () -> AgentCommands.birth(services, bundles.list()), metrics);
        AgentCommands.register(created, services, new BundleCommands.Settings(config.maxBundleBytes(),
                new HashSet<>(Arrays.asList(config.bundleUrlSchemes())), 30_000, 600_000), signaturePolicy(config),
                metrics.hardware(), System::currentTimeMillis);
        telemetry = new JobTelemetry(created, config.progressIntervalMillis(), System::currentTimeMillis);
        agent = created;
        if (config.bundleEvents()) {
            bundleListener = this::bundleChanged;
            context.addBundleListener(bundleListener);
        }
        created.start();
    }

    @Deactivate
    void deactivate() {
        if (bundleListener != null) {
            context.removeBundleListener(bundleListener);
        }
        debounce.shutdownNow();
        EdgeAgent a = agent;
        agent = null;
        if (a != null) {
            a.close(2_000);
        }
    }

    /** The agent's state for the shell. */
    public EdgeAgent.Status agentStatus() {
        EdgeAgent a = agent;
        return a == null ? null : a.status();
    }

    public List<String> brokers() {
        EdgeAgent a = agent;
        return a == null ? List.of() : a.settings().brokerUris();
    }

    /** The contract view of {@link #agentStatus()}, for the console; disconnected while not running. */
    @Override
    public MqttStatus status() {
        EdgeAgent.Status s = agentStatus();
        return s == null ? new MqttStatus(null, false, null, brokers(), 0, 0, "edge agent not running", 0, 0, 0, 0, 0, 0)
                : contractStatus(s, brokers());
    }

    static MqttStatus contractStatus(EdgeAgent.Status s, List<String> brokers) {
        Outbox.Stats o = s.outbox();
        return new MqttStatus(s.deviceId(), s.connected(), s.broker(), brokers, s.connects(), s.connectionLosses(),
                s.lastError(), o.depth(), o.bytes(), o.inflight(), o.enqueued(), o.acknowledged(), o.dropped());
    }

    @Override
    public void handleEvent(Event event) {
        JobTelemetry t = telemetry;
        if (t == null) {
            return;
        }
        Map<String, Object> properties = new HashMap<>();
        for (String name : event.getPropertyNames()) {
            properties.put(name, event.getProperty(name));
        }
        t.onEvent(event.getTopic(), properties);
    }

    private void bundleChanged(BundleEvent event) {
        EdgeAgent a = agent;
        if (a == null) {
            return;
        }
        String type = switch (event.getType()) {
            case BundleEvent.INSTALLED -> "INSTALLED";
            case BundleEvent.UNINSTALLED -> "UNINSTALLED";
            case BundleEvent.STARTED -> "STARTED";
            case BundleEvent.STOPPED -> "STOPPED";
            case BundleEvent.UPDATED -> "UPDATED";
            case BundleEvent.RESOLVED -> "RESOLVED";
            default -> null;
        };
        if (type == null) {
            return;
        }
        Bundle b = event.getBundle();
        JsonObject body = new JsonObject();
        body.addProperty("type", "bundle");
        body.addProperty("event", type);
        body.addProperty("bundleId", b.getBundleId());
        body.addProperty("symbolicName", b.getSymbolicName());
        body.addProperty("version", b.getVersion().toString());
        a.publish(a.topics().events(), body, Outbox.Priority.LOW);
        birthChanged();
    }

    private synchronized void birthChanged() {
        if (agent == null || debounce.isShutdown()) {
            return;
        }
        if (pendingBirth != null) {
            pendingBirth.cancel(false);
        }
        try {
            pendingBirth = debounce.schedule(() -> {
                EdgeAgent a = agent;
                if (a != null) {
                    a.republishBirth();
                }
            }, 500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // deactivating
        }
    }

    private List<TrainingAlgorithm> algorithms() {
        List<TrainingAlgorithm> list = new ArrayList<>(algorithms);
        list.sort(Comparator.comparing(TrainingAlgorithm::name));
        return list;
    }

    static String runtimeVersion(BundleContext context) {
        for (Bundle b : context.getBundles()) {
            if ("dev.neurite.runtime".equals(b.getSymbolicName())) {
                return b.getVersion().toString();
            }
        }
        return "unknown";
    }

    static AgentSettings settings(BundleContext context, AgentConfig c) {
        String deviceId = c.deviceId().isBlank() ? hostDeviceId() : c.deviceId().trim();
        Path outbox = c.outboxDirectory().isBlank() ? context.getDataFile("outbox").toPath() : Path.of(c.outboxDirectory());
        AgentSettings.Tls tls = null;
        boolean anySsl = Arrays.stream(c.brokerUris()).anyMatch(u -> u.startsWith("ssl://"));
        if (anySsl || !c.trustStore().isBlank() || !c.keyStore().isBlank()) {
            tls = new AgentSettings.Tls(c.trustStore().isBlank() ? null : Path.of(c.trustStore()),
                    c.trustStorePassword().toCharArray(), c.trustStoreType(),
                    c.keyStore().isBlank() ? null : Path.of(c.keyStore()), c.keyStorePassword().toCharArray(),
                    c.keyStoreType());
        }
        return new AgentSettings(deviceId, c.topicRoot(), Arrays.asList(c.brokerUris()), c.username(), c.password(), tls,
                c.keepAliveSeconds(), c.connectTimeoutSeconds(), c.cleanSession(), c.reconnectMinMillis(),
                c.reconnectMaxMillis(), Arrays.asList(c.fleetGroups()), outbox, c.outboxMaxMessages(),
                c.outboxMaxBytes(), c.outboxFsync(), c.maxInflight(), c.maxPayloadBytes(), c.commandThreads(), 1024,
                c.metricsIntervalSeconds() * 1000L, c.progressIntervalMillis());
    }

    static BundleSignatures.Policy signaturePolicy(AgentConfig c) {
        return new BundleSignatures.Policy(c.bundleTrustStore().isBlank() ? null : Path.of(c.bundleTrustStore().trim()),
                c.bundleTrustStoreType(), c.bundleTrustStorePassword().toCharArray(), c.requireSignedBundles());
    }

    /** The host name made into a valid topic level, for devices nobody named. */
    static String hostDeviceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "device";
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-");
        if (id.length() > 128) {
            id = id.substring(0, 128);
        }
        if (!Topics.isLevel(id)) {
            LOG.log(Level.WARNING, "host name " + host + " gives no usable device id; using 'device'");
            return "device";
        }
        return id;
    }
}
