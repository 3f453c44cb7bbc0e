package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import dev.neurite.edge.Topics;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The device's MQTT presence, free of OSGi: one Paho client that connects (and reconnects
 * with jittered backoff) to the configured brokers, takes commands into the
 * {@link CommandDispatcher}, keeps a retained birth document on {@code state} with a last
 * will, and publishes everything else from the persisted {@link Outbox}.
 */
public final class EdgeAgent implements Publisher, AutoCloseable {

    /** A snapshot for the shell, metrics and {@code device/info}. */
    public record Status(String deviceId, boolean connected, String broker, long connects, long connectionLosses,
                         String lastError, long births, Outbox.Stats outbox, CommandDispatcher.Stats commands) {
    }

    private static final Logger LOG = Logger.getLogger(EdgeAgent.class.getName());

    private final AgentSettings settings;
    private final Topics topics;
    private final Outbox outbox;
    private final CommandDispatcher dispatcher;
    private final Supplier<JsonObject> birth;
    private final Supplier<JsonObject> metrics;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private final Thread sender;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong losses = new AtomicLong();
    private final AtomicLong births = new AtomicLong();
    private volatile boolean connected;
    private volatile boolean running;
    private volatile String lastError;

    /**
     * @param birth   the birth document's content (bundles, algorithms, accelerators, …)
     * @param metrics a metrics sample, or {@code null} for none
     */
    public EdgeAgent(AgentSettings settings, Supplier<JsonObject> birth, Supplier<JsonObject> metrics)
            throws IOException, MqttException, GeneralSecurityException {
        this.settings = settings;
        this.topics = new Topics(settings.topicRoot(), settings.deviceId());
        this.birth = birth;
        this.metrics = metrics;
        this.outbox = new Outbox(settings.outboxDirectory(), settings.outboxMaxMessages(), settings.outboxMaxBytes(),
                settings.outboxFsync());
        this.dispatcher = new CommandDispatcher(topics, new CommandDispatcher.Settings(settings.maxPayloadBytes(),
                settings.commandThreads(), 256, settings.rememberedIds()), this::reply, System::currentTimeMillis);
        this.backoff = new Backoff(settings.reconnectMinMillis(), settings.reconnectMaxMillis(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.client = new MqttAsyncClient(settings.brokerUris().get(0), "neurite-" + settings.deviceId(),
                new MemoryPersistence());
        this.options = options(settings, topics);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "neurite-mqtt-" + settings.deviceId());
            t.setDaemon(true);
            return t;
        });
        this.sender = new Thread(this::sendLoop, "neurite-mqtt-outbox-" + settings.deviceId());
        this.sender.setDaemon(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                onConnectionLost(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (message.isRetained()) {
                    LOG.warning("ignoring a retained command on " + topic + ": commands must not be retained");
                    return;
                }
                dispatcher.accept(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // Acknowledgements are handled per message by the publish listener.
            }
        });
    }

    public CommandDispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public Topics topics() {
        return topics;
    }

    public AgentSettings settings() {
        return settings;
    }

    /** Starts connecting; returns at once. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        sender.start();
        scheduler.execute(this::connect);
        if (metrics != null && settings.metricsIntervalMillis() > 0) {
            scheduler.scheduleWithFixedDelay(this::publishMetrics, settings.metricsIntervalMillis(),
                    settings.metricsIntervalMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public boolean isConnected() {
        return connected;
    }

    public Status status() {
        String broker = null;
        if (connected) {
            try {
                broker = client.getCurrentServerURI();
            } catch (RuntimeException e) {
                broker = null;
            }
        }
        return new Status(settings.deviceId(), connected, broker, connects.get(), losses.get(), lastError, births.get(),
                outbox.stats(), dispatcher.stats());
    }

    // ---- outgoing ----------------------------------------------------------------------------

    @Override
    public long publish(String topic, JsonObject body, Outbox.Priority priority) {
        return outbox.append(topic, priority, false,
                seq -> Json.envelope(body, settings.deviceId(), seq, System.currentTimeMillis()));
    }

    /** Replies are high priority: never dropped. */
    public void reply(String topic, JsonObject body) {
        publish(topic, body, Outbox.Priority.HIGH);
    }

    /** Samples and queues one metrics message now. */
    public void publishMetrics() {
        try {
            JsonObject body = metrics.get();
            Status s = status();
            JsonObject mqtt = new JsonObject();
            mqtt.addProperty("connected", s.connected());
            mqtt.addProperty("connects", s.connects());
            mqtt.addProperty("connectionLosses", s.connectionLosses());
            mqtt.addProperty("outboxDepth", s.outbox().depth());
            mqtt.addProperty("outboxBytes", s.outbox().bytes());
            mqtt.addProperty("outboxDropped", s.outbox().dropped());
            mqtt.addProperty("outboxPersistFailures", s.outbox().persistFailures());
            mqtt.addProperty("commandsReceived", s.commands().received());
            body.add("mqtt", mqtt);
            publish(topics.metrics(), body, Outbox.Priority.LOW);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "metrics sample failed", e);
        }
    }

    /** Publishes a fresh birth document if connected (bundles or algorithms changed). */
    public void republishBirth() {
        if (connected) {
            scheduler.execute(this::publishBirth);
        }
    }

    private void publishBirth() {
        try {
            JsonObject doc = birth.get();
            doc.addProperty("online", true);
            doc.addProperty("device", settings.deviceId());
            doc.add("groups", Json.tree(settings.fleetGroups()));
            doc.addProperty("ts", System.currentTimeMillis());
            doc.addProperty("nextSeq", outbox.nextSequence());
            doc.add("commands", Json.tree(dispatcher.commands()));
            client.publish(topics.state(), Json.bytes(doc), 1, true);
            births.incrementAndGet();
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.WARNING, "birth document not published", e);
        }
    }

    private static byte[] offline(String deviceId, String reason) {
        JsonObject doc = new JsonObject();
        doc.addProperty("online", false);
        doc.addProperty("device", deviceId);
        if (reason != null) {
            doc.addProperty("reason", reason);
            doc.addProperty("ts", System.currentTimeMillis());
        }
        return Json.bytes(doc);
    }

    private void sendLoop() {
        while (running) {
            try {
                if (!connected) {
                    synchronized (this) {
                        wait(200);
                    }
                    continue;
                }
                Outbox.Lease lease = outbox.next(settings.maxInflight(), 200);
                if (lease == null) {
                    continue;
                }
                if (!connected) {
                    outbox.release(lease.seq(), lease.attempt());
                    continue;
                }
                try {
                    client.publish(lease.topic(), lease.payload(), 1, lease.retained(), null, new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            outbox.acknowledge(lease.seq());
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable error) {
                            outbox.release(lease.seq(), lease.attempt());
                        }
                    });
                } catch (MqttException | RuntimeException e) {
                    outbox.release(lease.seq(), lease.attempt());
                    Thread.sleep(e instanceof MqttException me && me.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT
                            ? 2 : 50);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ---- connection --------------------------------------------------------------------------

    static MqttConnectOptions options(AgentSettings s, Topics topics) throws IOException, GeneralSecurityException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setServerURIs(s.brokerUris().toArray(String[]::new));
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(s.cleanSession());
        o.setKeepAliveInterval(s.keepAliveSeconds());
        o.setConnectionTimeout(s.connectTimeoutSeconds());
        o.setAutomaticReconnect(false);
        o.setMaxInflight(s.maxInflight() + 16);
        o.setWill(topics.state(), offline(s.deviceId(), null), 1, true);
        if (s.username() != null && !s.username().isEmpty()) {
            o.setUserName(s.username());
        }
        if (s.password() != null && !s.password().isEmpty()) {
            o.setPassword(s.password().toCharArray());
        }
        boolean tls = s.brokerUris().stream().anyMatch(u -> u.startsWith("ssl://"));
        if (s.tls() != null || tls) {
            SSLContext context = s.tls() != null ? sslContext(s.tls()) : SSLContext.getDefault();
            o.setSocketFactory(NoDelaySockets.tls(context.getSocketFactory()));
            o.setHttpsHostnameVerificationEnabled(true);
        } else {
            o.setSocketFactory(NoDelaySockets.plain());
        }
        return o;
    }

    static SSLContext sslContext(AgentSettings.Tls tls) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = null;
        if (tls.trustStore() != null) {
            KeyStore trust = KeyStore.getInstance(tls.trustStoreType() == null ? "PKCS12" : tls.trustStoreType());
            try (InputStream in = Files.newInputStream(tls.trustStore())) {
                trust.load(in, tls.trustStorePassword());
            }
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        KeyManagerFactory kmf = null;
        if (tls.keyStore() != null) {
            KeyStore keys = KeyStore.getInstance(tls.keyStoreType() == null ? "PKCS12" : tls.keyStoreType());
            try (InputStream in = Files.newInputStream(tls.keyStore())) {
                keys.load(in, tls.keyStorePassword());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, tls.keyStorePassword());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return context;
    }

    private void connect() {
        if (!running) {
            return;
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    scheduler.execute(EdgeAgent.this::subscribe);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    lastError = "connect: " + error;
                    scheduleReconnect();
                }
            });
        } catch (MqttException | RuntimeException e) {
            lastError = "connect: " + e;
            scheduleReconnect();
        }
    }

    private void subscribe() {
        List<String> filters = new ArrayList<>();
        filters.add(topics.commandFilter());
        for (String group : settings.fleetGroups()) {
            filters.add(topics.fleetFilter(group));
        }
        int[] qos = new int[filters.size()];
        java.util.Arrays.fill(qos, 1);
        try {
            client.subscribe(filters.toArray(String[]::new), qos, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    scheduler.execute(EdgeAgent.this::online);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    lastError = "subscribe: " + error;
                    dropConnection();
                }
            });
        } catch (MqttException | RuntimeException e) {
            lastError = "subscribe: " + e;
            dropConnection();
        }
    }

    private void online() {
        if (!running || !client.isConnected()) {
            return;
        }
        connects.incrementAndGet();
        backoff.reset();
        lastError = null;
        publishBirth();
        connected = true;
        synchronized (this) {
            notifyAll();
        }
        outbox.wakeUp();
        LOG.info("MQTT connected to " + client.getCurrentServerURI() + " as " + settings.deviceId());
    }

    private void dropConnection() {
        try {
            client.disconnectForcibly(100, 1000, false);
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.FINE, "forced disconnect", e);
        }
        onConnectionLost(new IOException(lastError));
    }

    private void onConnectionLost(Throwable cause) {
        boolean was = connected;
        connected = false;
        outbox.releaseAll();
        if (was) {
            losses.incrementAndGet();
            LOG.warning("MQTT connection lost: " + cause);
        }
        lastError = "connection lost: " + cause;
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (!running) {
            return;
        }
        long delay = backoff.next();
        try {
            scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    // ---- shutdown ----------------------------------------------------------------------------

    /**
     * Clean shutdown: lets running commands finish, drains the outbox for up to
     * {@code drainMillis}, publishes the offline state and disconnects. Whatever was not
     * acknowledged stays in the outbox for the next start.
     */
    public void close(long drainMillis) {
        dispatcher.close();
        long deadline = System.currentTimeMillis() + drainMillis;
        while (connected && outbox.stats().depth() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        scheduler.shutdownNow();
        sender.interrupt();
        if (client.isConnected()) {
            try {
                client.publish(topics.state(), offline(settings.deviceId(), "shutdown"), 1, true)
                        .waitForCompletion(2_000);
            } catch (MqttException | RuntimeException e) {
                LOG.log(Level.FINE, "offline state not published", e);
            }
            try {
                client.disconnect(500).waitForCompletion(2_000);
            } catch (MqttException | RuntimeException e) {
                LOG.log(Level.FINE, "disconnect", e);
            }
        }
        connected = false;
        closeClient();
        joinSender();
        outbox.close();
    }

    @Override
    public void close() {
        close(2_000);
    }

    /**
     * Stops as a crash would: no offline state, no DISCONNECT (the broker publishes the
     * will), nothing drained. The outbox stays on disk as it was. For tests.
     */
    public void abandon() {
        running = false;
        connected = false;
        scheduler.shutdownNow();
        sender.interrupt();
        try {
            client.disconnectForcibly(1, 1, false);
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.FINE, "forced disconnect", e);
        }
        closeClient();
        joinSender();
        dispatcher.close();
        outbox.close();
    }

    private void closeClient() {
        try {
            client.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.FINE, "closing the client", e);
        }
    }

    private void joinSender() {
        try {
            sender.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
