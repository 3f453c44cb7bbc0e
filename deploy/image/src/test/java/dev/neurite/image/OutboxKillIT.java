package dev.neurite.image;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Telemetry produced while the broker is down waits in the on-disk outbox; the runtime is then
 * killed with SIGKILL, and after the broker and the runtime come back every message arrives:
 * the per-device sequence numbers seen by subscribers have no gap.
 */
@Timeout(240)
class OutboxKillIT extends ImageTestSupport {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    private final List<Process> brokers = new ArrayList<>();

    @Test
    void messagesQueuedDuringAnOutageSurviveKillDashNine() throws Exception {
        String missing = MOSQUITTO + " is not installed (apt-get install mosquitto)";
        if (!"1".equals(System.getenv("NEURITE_REQUIRE_BROKER_TOOLS"))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO), missing);
        }
        assertTrue(Files.isExecutable(MOSQUITTO), missing);
        int port = RuntimeProcess.freePort();
        Path home = temp.resolve("home");
        Path load = Files.createDirectories(home.resolve("load"));
        String device = "outbox-kill";
        // An external broker, as in the field: the embedded one stays off.
        Files.writeString(load.resolve("dev.neurite.edge.agent.cfg"), "deviceId=" + device + "\nbrokerUris=tcp://127.0.0.1:" + port
                + "\nmetricsIntervalSeconds=1\nreconnectMinMillis=200\nreconnectMaxMillis=1000\n");
        Files.writeString(load.resolve("dev.neurite.edge.broker.cfg"), "mode=off\n");
        String telemetry = "neurite/v1/" + device + "/#";
        ConcurrentSkipListSet<Long> seen = new ConcurrentSkipListSet<>();

        Process broker = mosquitto(port);
        RuntimeProcess rt = start(home, Map.of());
        rt.awaitReady(READY_TIMEOUT);
        MqttClient before = subscriber(port, "before", telemetry, seen);
        awaitCount(seen, 3, "telemetry before the outage");
        // Stop the broker just after a message arrived, so none is in flight inside it.
        int count = seen.size();
        awaitCount(seen, count + 1, "the next message");
        broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long lastBeforeOutage = seen.last();
        // Metrics every second keep being produced with nowhere to go.
        Thread.sleep(6_000);
        rt.kill();
        abandon(before);

        broker = mosquitto(port);
        {
            MqttClient after = subscriber(port, "after", telemetry, seen);
            RuntimeProcess again = start(home, Map.of());
            again.awaitReady(READY_TIMEOUT);
            awaitCount(seen, seen.size() + 8, "metrics after the restart");
            after.disconnect();
            after.close();

            TreeSet<Long> received = new TreeSet<>(seen);
            TreeSet<Long> gaps = new TreeSet<>();
            for (long seq = received.first(); seq <= received.last(); seq++) {
                if (!received.contains(seq)) {
                    gaps.add(seq);
                }
            }
            assertEquals(new TreeSet<Long>(), gaps, "sequence numbers lost; received " + received);
            assertTrue(received.tailSet(lastBeforeOutage, false).size() >= 5 + 8,
                    "the messages of the outage and of the restart arrived: " + received);
        }
    }

    @Test
    void aThirtySecondBrokerOutageDuringAJobLosesNoSequenceNumber() throws Exception {
        String missingTool = MOSQUITTO + " is not installed (apt-get install mosquitto)";
        if (!"1".equals(System.getenv("NEURITE_REQUIRE_BROKER_TOOLS"))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO), missingTool);
        }
        int port = RuntimeProcess.freePort();
        Path home = temp.resolve("home-outage");
        Path load = Files.createDirectories(home.resolve("load"));
        String device = "outage-job";
        Files.writeString(load.resolve("dev.neurite.edge.agent.cfg"), "deviceId=" + device + "\nbrokerUris=tcp://127.0.0.1:" + port
                + "\nmetricsIntervalSeconds=1\nprogressIntervalMillis=200\nreconnectMinMillis=200\nreconnectMaxMillis=1000\n");
        Files.writeString(load.resolve("dev.neurite.edge.broker.cfg"), "mode=off\n");
        Files.writeString(load.resolve("dev.neurite.jobs.cfg"), "progressIntervalMillis=100\n");
        ConcurrentSkipListSet<Long> seen = new ConcurrentSkipListSet<>();
        ConcurrentSkipListSet<Long> progress = new ConcurrentSkipListSet<>();

        Process broker = mosquitto(port);
        RuntimeProcess rt = start(home, Map.of());
        rt.awaitReady(READY_TIMEOUT);
        MqttClient watcher = subscriber(port, "watcher", "neurite/v1/" + device + "/#", seen);
        watcher.subscribe("neurite/v1/" + device + "/jobs/+/progress", 1, (t, m) -> progress.add(
                JsonParser.parseString(new String(m.getPayload(), StandardCharsets.UTF_8)).getAsJsonObject().get("seq").getAsLong()));
        // A job that outlasts the test: thousands of epochs of the generated set.
        String id = submit(rt, "neurite:train softmax-regression dataset=blobs/train test=none epochs=5000 batchSize=8");
        awaitCount(progress, 5, "progress before the outage");
        int count = seen.size();
        awaitCount(seen, count + 1, "the next message");
        broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long lastBeforeOutage = seen.last();
        Thread.sleep(30_000);
        abandon(watcher);

        mosquitto(port);
        MqttClient after = subscriber(port, "after", "neurite/v1/" + device + "/#", seen);
        after.subscribe("neurite/v1/" + device + "/jobs/+/progress", 1, (t, m) -> progress.add(
                JsonParser.parseString(new String(m.getPayload(), StandardCharsets.UTF_8)).getAsJsonObject().get("seq").getAsLong()));
        long target = lastBeforeOutage + 30 * 5;
        long deadline = System.currentTimeMillis() + 60_000;
        while (seen.last() < target && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        rt.shell("neurite:cancel " + id, COMMAND_TIMEOUT);
        after.disconnect();
        after.close();

        TreeSet<Long> gaps = new TreeSet<>();
        for (long seq = seen.first(); seq <= seen.last(); seq++) {
            if (!seen.contains(seq)) {
                gaps.add(seq);
            }
        }
        assertEquals(new TreeSet<Long>(), gaps, "sequence numbers lost across the outage");
        // At least one progress message per second of the outage (the agent sends up to five).
        assertTrue(progress.tailSet(lastBeforeOutage, false).size() >= 30,
                "the job's progress of the outage was delivered afterwards: " + progress.tailSet(lastBeforeOutage, false).size());
    }

    /** Drops a client whose broker died; it may or may not have noticed yet. */
    private static void abandon(MqttClient client) {
        try {
            client.disconnectForcibly(100, 100);
        } catch (Exception alreadyGone) {
            // Lost connections cannot be disconnected; closing is all that is left.
        }
        try {
            client.close(true);
        } catch (Exception alreadyClosed) {
            // Nothing more to release.
        }
    }

    @AfterEach
    void stopBrokers() throws InterruptedException {
        for (Process p : brokers) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process mosquitto(int port) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(temp.resolve("mosquitto"));
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        Process p = new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        brokers.add(p);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IOException("mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.log")));
    }

    private static MqttClient subscriber(int port, String name, String topic, ConcurrentSkipListSet<Long> seen) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "it-" + name, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        client.subscribe(topic, 1, (t, message) -> {
            JsonObject body = JsonParser.parseString(new String(message.getPayload(), StandardCharsets.UTF_8)).getAsJsonObject();
            if (body.has("seq")) {
                // The retained state document carries no sequence number; everything else does.
                seen.add(body.get("seq").getAsLong());
            }
        });
        return client;
    }

    private static void awaitCount(java.util.Set<Long> seen, int count, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (seen.size() < count) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what + "; seen " + seen);
            }
            Thread.sleep(100);
        }
    }
}
