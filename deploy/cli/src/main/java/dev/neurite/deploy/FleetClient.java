package dev.neurite.deploy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One MQTT session with the fleet, speaking the edge agent's command protocol: requests
 * {@code {id, replyTo, args}} on {@code <root>/<device>/cmd/<app>/<verb>} or
 * {@code <root>/fleet/<group>/cmd/<app>/<verb>}, replies {@code {id, device, status, result | error}}
 * on a reply topic of this session, and the devices' retained state documents on
 * {@code <root>/<device>/state}.
 */
final class FleetClient implements AutoCloseable {

    /** One reply of one device. */
    record Reply(String device, String id, int status, JsonObject body) {

        boolean ok() {
            return status == 200;
        }

        JsonObject result() {
            JsonElement r = body.get("result");
            return r != null && r.isJsonObject() ? r.getAsJsonObject() : new JsonObject();
        }

        /** {@code "<status> <code>: <message>"}, or null for a success. */
        String error() {
            if (ok()) {
                return null;
            }
            JsonElement e = body.get("error");
            if (e == null || !e.isJsonObject()) {
                return Integer.toString(status);
            }
            JsonObject o = e.getAsJsonObject();
            return status + " " + text(o, "code") + ": " + text(o, "message");
        }
    }

    /** A device's retained state document. */
    record Device(String id, JsonObject state) {

        boolean online() {
            JsonElement o = state.get("online");
            return o != null && o.isJsonPrimitive() && o.getAsBoolean();
        }

        boolean inGroup(String group) {
            JsonElement g = state.get("groups");
            if (g == null || !g.isJsonArray()) {
                return false;
            }
            for (JsonElement e : g.getAsJsonArray()) {
                if (e.isJsonPrimitive() && group.equals(e.getAsString())) {
                    return true;
                }
            }
            return false;
        }

        JsonArray array(String field) {
            JsonElement e = state.get(field);
            return e != null && e.isJsonArray() ? e.getAsJsonArray() : new JsonArray();
        }

        JsonObject object(String field) {
            JsonElement e = state.get(field);
            return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
        }
    }

    private final MqttAsyncClient client;
    private final String root;
    private final String session;
    private final int timeoutSeconds;
    private final Map<String, JsonObject> states = new ConcurrentHashMap<>();
    private final Map<String, Consumer<Reply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();

    private FleetClient(MqttAsyncClient client, String root, String session, int timeoutSeconds) {
        this.client = client;
        this.root = root;
        this.session = session;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Connects, subscribes to the state documents and this session's replies. */
    static FleetClient connect(ConnectionOptions o) throws MqttException, IOException, GeneralSecurityException {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String session = "deploy-" + HexFormat.of().formatHex(random);
        MqttAsyncClient client = new MqttAsyncClient(o.broker, "neurite-" + session, new MemoryPersistence());
        FleetClient fleet = new FleetClient(client, o.topicRoot, session, Math.max(1, o.timeoutSeconds));
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // Requests time out and say so; nothing to resume.
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                fleet.arrived(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(Math.max(1, Math.min(30, o.timeoutSeconds)));
        options.setKeepAliveInterval(30);
        options.setMaxInflight(64);
        if (o.username != null && !o.username.isEmpty()) {
            options.setUserName(o.username);
        }
        if (o.password != null && o.password.length > 0) {
            options.setPassword(o.password);
        }
        if (o.broker.startsWith("ssl://") || o.trustStore != null || o.keyStore != null) {
            options.setSocketFactory(sslContext(o).getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true);
        }
        client.connect(options).waitForCompletion(TimeUnit.SECONDS.toMillis(fleet.timeoutSeconds));
        client.subscribe(new String[]{o.topicRoot + "/+/state", o.topicRoot + "/+/reply/" + session,
                        o.topicRoot + "/fleet/+/reply/" + session}, new int[]{1, 1, 1})
                .waitForCompletion(TimeUnit.SECONDS.toMillis(fleet.timeoutSeconds));
        return fleet;
    }

    private static SSLContext sslContext(ConnectionOptions o) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = null;
        if (o.trustStore != null) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(o.trustStore, o.trustStoreType, o.trustStorePassword));
        }
        KeyManagerFactory kmf = null;
        if (o.keyStore != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(o.keyStore, o.keyStoreType, o.keyStorePassword), o.keyStorePassword);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file, String type, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    private void arrived(String topic, byte[] payload) {
        JsonObject body;
        try {
            JsonElement e = JsonParser.parseString(new String(payload, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                return;
            }
            body = e.getAsJsonObject();
        } catch (JsonParseException e) {
            return;
        }
        String[] levels = topic.substring(root.length() + 1).split("/");
        if (levels.length == 2 && levels[1].equals("state")) {
            states.put(levels[0], body);
            return;
        }
        String id = text(body, "id");
        Consumer<Reply> handler = id == null ? null : pending.get(id);
        if (handler != null) {
            JsonElement status = body.get("status");
            int code = status != null && status.isJsonPrimitive() ? status.getAsInt() : 0;
            String device = text(body, "device");
            handler.accept(new Reply(device == null ? levels[0] : device, id, code, body));
        }
    }

    String root() {
        return root;
    }

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    /**
     * The devices a command is for. Named devices are waited for (up to the discovery time)
     * and listed even when nothing is known of them; a group lists its online members.
     */
    List<Device> devices(TargetOptions target, long discoveryMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Math.max(0, discoveryMillis);
        if (target.devices != null) {
            while (System.currentTimeMillis() < deadline && !target.devices.stream().allMatch(states::containsKey)) {
                Thread.sleep(20);
            }
            List<Device> named = new ArrayList<>();
            for (String id : target.devices) {
                named.add(new Device(id, states.getOrDefault(id, new JsonObject())));
            }
            return named;
        }
        // Retained documents arrive right after the subscription; give stragglers the discovery time.
        Thread.sleep(Math.max(0, deadline - System.currentTimeMillis()));
        Map<String, Device> members = new LinkedHashMap<>();
        states.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Device d = new Device(e.getKey(), e.getValue());
            if (d.online() && d.inGroup(target.group)) {
                members.put(d.id(), d);
            }
        });
        return new ArrayList<>(members.values());
    }

    /** The latest state document of a device, if one was seen. */
    JsonObject state(String device) {
        return states.get(device);
    }

    String deviceTopic(String device, String app, String verb) {
        return root + "/" + device + "/cmd/" + app + "/" + verb;
    }

    String fleetTopic(String group, String app, String verb) {
        return root + "/fleet/" + group + "/cmd/" + app + "/" + verb;
    }

    String deviceReplyTo(String device) {
        return root + "/" + device + "/reply/" + session;
    }

    String fleetReplyTo(String group) {
        return root + "/fleet/" + group + "/reply/" + session;
    }

    /**
     * Publishes a request (QoS 1) and routes every reply with its id to {@code replies},
     * on the MQTT thread, until {@link #forget(String)}. Returns the request id.
     */
    String send(String topic, String replyTo, JsonObject args, Consumer<Reply> replies) throws MqttException {
        String id = session + "-" + counter.incrementAndGet();
        JsonObject request = new JsonObject();
        request.addProperty("id", id);
        request.addProperty("replyTo", replyTo);
        // No expiresAt: device clocks drift, and a skewed one would refuse fresh requests as expired.
        request.add("args", args);
        pending.put(id, replies);
        MqttMessage message = new MqttMessage(request.toString().getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        try {
            client.publish(topic, message).waitForCompletion(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        } catch (MqttException e) {
            pending.remove(id);
            throw e;
        }
        return id;
    }

    void forget(String id) {
        pending.remove(id);
    }

    /** One request to one device; its reply, or {@code null} when none came in time. */
    Reply call(String device, String app, String verb, JsonObject args) throws MqttException, InterruptedException {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        String id = send(deviceTopic(device, app, verb), deviceReplyTo(device), args, reply::complete);
        try {
            return reply.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            forget(id);
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1_000).waitForCompletion(2_000);
            }
        } catch (MqttException e) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // nothing left to release
        }
    }

    static String text(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }
}
