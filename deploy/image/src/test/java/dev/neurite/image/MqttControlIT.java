package dev.neurite.image;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The default image controlled over MQTT: its embedded broker accepts a client, the device
 * announces itself, and a job started by a command reports progress and completion.
 */
@Timeout(180)
class MqttControlIT extends ImageTestSupport {

    private record Message(String topic, JsonObject body) {
    }

    @Test
    void aClientStartsAJobOverTheEmbeddedBrokerAndFollowsItToCompletion() throws Exception {
        Path home = temp.resolve("home");
        RuntimeProcess rt = start(home, Map.of());
        rt.awaitReady(READY_TIMEOUT);
        String device = rt.deviceId();
        String root = "neurite/v1/" + device;

        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + rt.mqttPort(), "it-client", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                client.connect(options);
                break;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        try {
            client.subscribe(root + "/#", 1, (topic, message) -> received.add(new Message(topic,
                    JsonParser.parseString(new String(message.getPayload(), StandardCharsets.UTF_8)).getAsJsonObject())));

            Message birth = next(received, m -> m.topic().equals(root + "/state") && m.body().get("online").getAsBoolean(),
                    "the retained birth document");
            assertTrue(birth.body().toString().contains("softmax-regression"), birth.body().toString());

            MqttMessage command = new MqttMessage(("{\"id\":\"it-1\",\"args\":{\"algorithm\":\"softmax-regression\","
                    + "\"dataset\":\"blobs/train\",\"testDataset\":\"blobs/test\",\"hyperparameters\":{\"epochs\":3}}}")
                    .getBytes(StandardCharsets.UTF_8));
            command.setQos(1);
            client.publish(root + "/cmd/jobs/start", command);

            Message reply = next(received, m -> m.topic().equals(root + "/reply/it-1"), "the reply to jobs/start");
            assertEquals(200, reply.body().get("status").getAsInt(), reply.body().toString());
            String jobId = reply.body().getAsJsonObject("result").get("id").getAsString();

            List<Long> sequence = new ArrayList<>();
            Message done = next(received, m -> {
                if (m.body().has("seq")) {
                    sequence.add(m.body().get("seq").getAsLong());
                }
                return m.topic().equals(root + "/events") && "job.state".equals(text(m.body(), "type"))
                        && jobId.equals(text(m.body(), "jobId")) && "SUCCEEDED".equals(text(m.body(), "state"));
            }, "the SUCCEEDED event of " + jobId);
            assertNotNull(done);
            assertTrue(sequence.size() >= 2, "telemetry carries sequence numbers: " + sequence);

            String shell = rt.shell("neurite:mqtt", COMMAND_TIMEOUT);
            assertTrue(shell.contains("connected     yes"), shell);
        } finally {
            client.disconnect();
            client.close();
        }
    }

    private static String text(JsonObject body, String field) {
        return body.has(field) && !body.get(field).isJsonNull() ? body.get(field).getAsString() : null;
    }

    private static Message next(BlockingQueue<Message> queue, java.util.function.Predicate<Message> wanted, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Message m = queue.poll(500, TimeUnit.MILLISECONDS);
            if (m != null && wanted.test(m)) {
                return m;
            }
        }
        fail("timed out waiting for " + what);
        return null;
    }
}
