package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** A controller on the other side of the broker: a plain Paho client that sends commands and collects messages. */
final class TestClient implements AutoCloseable {

    record Received(String topic, String payload, boolean retained) {
        JsonObject json() {
            return JsonParser.parseString(payload).getAsJsonObject();
        }
    }

    final MqttClient client;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final String[] filters;
    private final MqttConnectOptions options = new MqttConnectOptions();

    TestClient(String uri, String... filters) throws MqttException {
        client = new MqttClient(uri, "test-" + UUID.randomUUID().toString().substring(0, 8), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                        message.isRetained()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        this.filters = filters;
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        options.setSocketFactory(NoDelaySockets.plain());
        connect();
    }

    private void connect() throws MqttException {
        client.connect(options);
        for (String f : filters) {
            client.subscribe(f, 1);
        }
    }

    void publish(String topic, String payload) throws MqttException {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Publishes at QoS 1; if this test client's own connection dropped, reconnects once and
     * retries, so a hiccup on the controller's side does not pass for the agent's fault.
     */
    void publish(String topic, byte[] payload) throws MqttException {
        try {
            client.publish(topic, payload, 1, false);
        } catch (MqttException e) {
            if (client.isConnected()) {
                throw e;
            }
            connect();
            client.publish(topic, payload, 1, false);
        }
    }

    Received await(Predicate<Received> match, long timeoutMillis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            for (Received r : received) {
                if (match.test(r)) {
                    return r;
                }
            }
            Thread.sleep(10);
        }
        fail("timed out waiting for " + what + "; got " + received.size() + " messages, last: "
                + (received.isEmpty() ? "none" : received.get(received.size() - 1)));
        return null;
    }

    /** Sends a command and waits for its reply on the default reply topic. */
    JsonObject call(String deviceId, String app, String verb, String id, String args) throws Exception {
        String replyTopic = "neurite/v1/" + deviceId + "/reply/" + id;
        publish("neurite/v1/" + deviceId + "/cmd/" + app + "/" + verb,
                "{\"id\":\"" + id + "\"" + (args == null ? "" : ",\"args\":" + args) + "}");
        return await(r -> r.topic().equals(replyTopic), 30_000, "reply " + id).json();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(1000);
        }
        client.close();
    }
}
