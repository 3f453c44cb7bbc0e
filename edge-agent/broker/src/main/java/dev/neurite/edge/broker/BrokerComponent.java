package dev.neurite.edge.broker;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs an embedded Moquette broker (MQTT 3.1.1) on loopback so a device works without any
 * infrastructure. The component also reads the agent's configuration: once the agent is
 * pointed at a broker elsewhere, the embedded one stays off (mode {@code auto}).
 */
@Component(configurationPid = BrokerComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {BrokerComponent.class, ConfigurationListener.class})
@Designate(ocd = BrokerComponent.Config.class)
public class BrokerComponent implements ConfigurationListener {

    public static final String PID = "dev.neurite.edge.broker";
    /** The agent's configuration, read for its broker URIs. */
    static final String AGENT_PID = "dev.neurite.edge.agent";
    private static final Logger LOG = Logger.getLogger(BrokerComponent.class.getName());

    @ObjectClassDefinition(name = "Neurite embedded MQTT broker",
            description = "Moquette on loopback, for devices without a broker of their own")
    public @interface Config {
        @AttributeDefinition(description = "auto: run unless the agent is configured for another broker; on; off",
                options = {
                        @org.osgi.service.metatype.annotations.Option(value = "auto", label = "auto"),
                        @org.osgi.service.metatype.annotations.Option(value = "on", label = "on"),
                        @org.osgi.service.metatype.annotations.Option(value = "off", label = "off")})
        String mode() default "auto";

        @AttributeDefinition(description = "address to listen on; keep it on loopback unless clients elsewhere need it")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port")
        int port() default 1883;

        @AttributeDefinition(description = "accept clients without credentials")
        boolean allowAnonymous() default true;

        @AttributeDefinition(description = "keep sessions and retained messages on disk (bundle data area)")
        boolean persistence() default true;

        @AttributeDefinition(description = "largest MQTT message accepted, in bytes")
        int maxMessageBytes() default 8 * 1024 * 1024;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    volatile ConfigurationAdmin configAdmin;

    private BundleContext context;
    private Config config;
    private Server server;

    @Activate
    void activate(BundleContext context, Config config) {
        this.context = context;
        this.config = config;
        reconcile();
    }

    @Deactivate
    synchronized void deactivate() {
        config = null;
        stop();
    }

    /** Whether the embedded broker is running. */
    public synchronized boolean running() {
        return server != null;
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (AGENT_PID.equals(event.getPid())) {
            reconcile();
        }
    }

    /** Starts or stops the broker to match the configuration of this component and of the agent. */
    private synchronized void reconcile() {
        if (config == null) {
            return;
        }
        String[] agentBrokers = agentBrokers();
        boolean run = shouldRun(config.mode(), agentBrokers, config.port());
        if (run && server == null) {
            try {
                server = start(config, context.getDataFile("moquette"));
                LOG.info("embedded MQTT broker on " + config.host() + ":" + config.port());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "embedded MQTT broker failed to start on " + config.host() + ":" + config.port(), e);
            }
        } else if (!run && server != null) {
            LOG.info("embedded MQTT broker stopping: the agent uses " + String.join(",", agentBrokers));
            stop();
        } else if (!run) {
            LOG.info("embedded MQTT broker off (mode " + config.mode() + ")");
        }
    }

    private void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    private String[] agentBrokers() {
        ConfigurationAdmin admin = configAdmin;
        if (admin == null) {
            return new String[0];
        }
        try {
            Configuration[] found = admin.listConfigurations("(service.pid=" + AGENT_PID + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return new String[0];
            }
            Object value = found[0].getProperties().get("brokerUris");
            if (value instanceof String[] array) {
                return array;
            }
            if (value instanceof String text && !text.isBlank()) {
                return text.split("\\s*,\\s*");
            }
            if (value instanceof java.util.Collection<?> list) {
                return list.stream().map(String::valueOf).toArray(String[]::new);
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.log(Level.WARNING, "cannot read the agent's configuration", e);
        }
        return new String[0];
    }

    /**
     * Decides whether to run: always in {@code on}, never in {@code off}, and in {@code auto}
     * only while the agent has no broker configured or one of them is a loopback address on
     * the embedded broker's port.
     */
    static boolean shouldRun(String mode, String[] agentBrokers, int port) {
        if ("off".equalsIgnoreCase(mode)) {
            return false;
        }
        if ("on".equalsIgnoreCase(mode) || agentBrokers == null || agentBrokers.length == 0) {
            return true;
        }
        for (String uri : agentBrokers) {
            try {
                URI parsed = URI.create(uri.trim());
                String host = parsed.getHost();
                int p = parsed.getPort() < 0 ? 1883 : parsed.getPort();
                boolean loopback = "localhost".equalsIgnoreCase(host) || "127.0.0.1".equals(host) || "[::1]".equals(host)
                        || "::1".equals(host);
                if (loopback && p == port && "tcp".equalsIgnoreCase(parsed.getScheme())) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                LOG.log(Level.FINE, "ignoring unparsable broker URI " + uri, e);
            }
        }
        return false;
    }

    static Server start(Config config, File data) throws IOException {
        Properties p = new Properties();
        p.setProperty("host", config.host());
        p.setProperty("port", Integer.toString(config.port()));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", Boolean.toString(config.allowAnonymous()));
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.mqtt.message_size", Integer.toString(config.maxMessageBytes()));
        p.setProperty("persistence_enabled", Boolean.toString(config.persistence() && data != null));
        if (config.persistence() && data != null) {
            if (!data.isDirectory() && !data.mkdirs()) {
                throw new IOException("cannot create " + data);
            }
            p.setProperty("data_path", data.getAbsolutePath() + File.separator);
        }
        Server server = new Server();
        server.startServer(new MemoryConfig(p));
        return server;
    }
}
