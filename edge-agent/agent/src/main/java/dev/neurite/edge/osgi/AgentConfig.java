package dev.neurite.edge.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the edge agent, PID {@code dev.neurite.edge.agent}. */
@ObjectClassDefinition(name = "Neurite edge agent",
        description = "MQTT control and telemetry of this device")
public @interface AgentConfig {

    @AttributeDefinition(description = "device id, one topic level of [A-Za-z0-9._-]; empty: derived from the host name")
    String deviceId() default "";

    @AttributeDefinition(description = "topic root; the device's topics are <root>/<deviceId>/...")
    String topicRoot() default "neurite/v1";

    @AttributeDefinition(description = "broker URIs tried in order (tcp://host:port or ssl://host:port); "
            + "the default is the embedded broker")
    String[] brokerUris() default {"tcp://127.0.0.1:1883"};

    @AttributeDefinition(description = "user name; empty for none")
    String username() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "password; empty for none")
    String password() default "";

    @AttributeDefinition(description = "trust store for ssl:// brokers; empty: the JVM's default trust")
    String trustStore() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "trust store password")
    String trustStorePassword() default "";

    @AttributeDefinition(description = "trust store type")
    String trustStoreType() default "PKCS12";

    @AttributeDefinition(description = "key store with the client certificate and key; empty: no client certificate")
    String keyStore() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "key store password")
    String keyStorePassword() default "";

    @AttributeDefinition(description = "key store type")
    String keyStoreType() default "PKCS12";

    @AttributeDefinition(description = "MQTT keep-alive in seconds")
    int keepAliveSeconds() default 30;

    @AttributeDefinition(description = "connect timeout in seconds")
    int connectTimeoutSeconds() default 10;

    @AttributeDefinition(description = "start each connection with a clean session")
    boolean cleanSession() default true;

    @AttributeDefinition(description = "least delay before reconnecting, in milliseconds")
    long reconnectMinMillis() default 1_000;

    @AttributeDefinition(description = "largest delay before reconnecting, in milliseconds (delays are jittered)")
    long reconnectMaxMillis() default 60_000;

    @AttributeDefinition(description = "fleet groups whose commands this device also takes")
    String[] fleetGroups() default {};

    @AttributeDefinition(description = "seconds between metrics messages; 0 turns them off")
    int metricsIntervalSeconds() default 30;

    @AttributeDefinition(description = "least time between progress messages of one job, in milliseconds")
    long progressIntervalMillis() default 1_000;

    @AttributeDefinition(description = "publish bundle state changes on events")
    boolean bundleEvents() default true;

    @AttributeDefinition(description = "outbox directory; empty: the bundle's data area")
    String outboxDirectory() default "";

    @AttributeDefinition(description = "messages the outbox holds before dropping the oldest telemetry")
    int outboxMaxMessages() default 10_000;

    @AttributeDefinition(description = "bytes the outbox holds before dropping the oldest telemetry")
    long outboxMaxBytes() default 16L * 1024 * 1024;

    @AttributeDefinition(description = "force replies and job state events to disk before sending (survive power loss)")
    boolean outboxFsync() default true;

    @AttributeDefinition(description = "QoS 1 messages in flight at once")
    int maxInflight() default 32;

    @AttributeDefinition(description = "largest command payload accepted, in bytes (larger: 413)")
    int maxPayloadBytes() default 1024 * 1024;

    @AttributeDefinition(description = "threads executing commands")
    int commandThreads() default 2;

    @AttributeDefinition(description = "largest bundle accepted by bundles/install and bundles/update, in bytes")
    long maxBundleBytes() default 64L * 1024 * 1024;

    @AttributeDefinition(description = "URL schemes bundles/install may fetch from")
    String[] bundleUrlSchemes() default {"https", "http"};

    @AttributeDefinition(description = "trust store with the certificates bundle signers must chain to; "
            + "when set, signed bundles are verified before they are installed")
    String bundleTrustStore() default "";

    @AttributeDefinition(description = "bundle trust store type")
    String bundleTrustStoreType() default "PKCS12";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "bundle trust store password")
    String bundleTrustStorePassword() default "";

    @AttributeDefinition(description = "refuse bundles that are not signed by a signer the bundle trust store trusts")
    boolean requireSignedBundles() default false;
}
