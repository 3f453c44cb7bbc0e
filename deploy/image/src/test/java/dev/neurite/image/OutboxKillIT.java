package dev.neurite.image;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
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
 * the per-device sequence numbers seen by subscribers have no gap. The broker is stopped the
 * way a service manager stops it, with persistence on: a QoS 1 message belongs to the broker
 * once it acknowledged it, so a broker killed without a store would lose messages the agent
 * rightly let go of, and the test would blame the agent for them.
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
        MqttClient before = subscriber(port, "watch-kill", telemetry, seen, null);
        awaitCount(seen, 3, "telemetry before the outage");
        int count = seen.size();
        awaitCount(seen, count + 1, "the next message");
        stop(broker);
        long lastBeforeOutage = seen.last();
        // Metrics every second keep being produced with nowhere to go.
        Thread.sleep(6_000);
        rt.kill();
        abandon(before);

        broker = mosquitto(port);
        {
            MqttClient after = subscriber(port, "watch-kill", telemetry, seen, null);
            RuntimeProcess again = start(home, Map.of());
            again.awaitReady(READY_TIMEOUT);
            awaitCount(seen, seen.size() + 8, "metrics after the restart");
            // The backlog may still be arriving behind newer high-priority messages.
            long deadline = System.currentTimeMillis() + 30_000;
            while (!gaps(seen).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            after.disconnect();
            after.close();

            TreeSet<Long> received = new TreeSet<>(seen);
            assertEquals(new TreeSet<Long>(), gaps(seen), "sequence numbers lost; received " + received);
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
        MqttClient watcher = subscriber(port, "watch-job", "neurite/v1/" + device + "/#", seen, progress);
        // A job that outlasts the test: thousands of epochs of the generated set.
        String id = submit(rt, "neurite:train softmax-regression dataset=blobs/train test=none epochs=5000 batchSize=8");
        awaitCount(progress, 5, "progress before the outage");
        int count = seen.size();
        awaitCount(seen, count + 1, "the next message");
        stop(broker);
        long lastBeforeOutage = seen.last();
        Thread.sleep(30_000);
        abandon(watcher);

        mosquitto(port);
        MqttClient after = subscriber(port, "watch-job", "neurite/v1/" + device + "/#", seen, progress);
        long target = lastBeforeOutage + 30 * 5;
        long deadline = System.currentTimeMillis() + 60_000;
        // High-priority messages (the new birth, events) overtake the backlog of telemetry, so
        // the newest number arrives before the outage's: wait for both the target and no gap.
        while ((seen.last() < target || gaps(seen).size() > 0) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        rt.shell("neurite:cancel " + id, COMMAND_TIMEOUT);
        after.disconnect();
        after.close();

        assertEquals(new TreeSet<Long>(), gaps(seen), "sequence numbers lost across the outage");
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
        // Started as root, mosquitto would switch to its own user and could not write its store
        // into this private directory; "user" keeps the current one (and is ignored otherwise).
        Files.writeString(conf, "user " + System.getProperty("user.name") + "\nlistener " + port
                + " 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location " + dir + "/\n");
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

    /**
     * A watcher with a persistent session under a fixed client id: messages the broker accepted
     * but had not yet passed on when it stopped are kept in its store and delivered when a
     * watcher with the same id connects again, so every gap the test sees is the agent's.
     */
    private static MqttClient subscriber(int port, String name, String topic, ConcurrentSkipListSet<Long> seen,
                                         ConcurrentSkipListSet<Long> progress) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "it-" + name, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // The broker is stopped on purpose; a new client takes over the session.
            }

            @Override
            public void messageArrived(String t, MqttMessage message) {
                JsonObject body = JsonParser.parseString(new String(message.getPayload(), StandardCharsets.UTF_8))
                        .getAsJsonObject();
                if (body.has("seq")) {
                    // The retained state document carries no sequence number; everything else does.
                    long seq = body.get("seq").getAsLong();
                    seen.add(seq);
                    if (progress != null && t.matches(".*/jobs/[^/]+/progress")) {
                        progress.add(seq);
                    }
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // Never publishes.
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        client.connect(options);
        client.subscribe(topic, 1);
        return client;
    }

    private static TreeSet<Long> gaps(ConcurrentSkipListSet<Long> seen) {
        TreeSet<Long> gaps = new TreeSet<>();
        for (long seq = seen.first(); seq <= seen.last(); seq++) {
            if (!seen.contains(seq)) {
                gaps.add(seq);
            }
        }
        return gaps;
    }

    /** Stops a broker as its service manager would (SIGTERM), so it saves its store first. */
    private static void stop(Process broker) throws InterruptedException {
        broker.destroy();
        if (!broker.waitFor(10, TimeUnit.SECONDS)) {
            fail("mosquitto did not stop on SIGTERM");
        }
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
