package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The agent against Debian's Mosquitto (skipped where {@code /usr/sbin/mosquitto} is absent). */
class MosquittoTest {

    static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    @TempDir
    Path home;

    /** Starts Mosquitto on a free loopback port with a generated configuration. */
    static Process mosquitto(Path dir, int port) throws Exception {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        Process p = new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.log")));
    }

    /**
     * Skips on a developer machine without the tool, but fails where the environment says the
     * tools must be there (CI sets NEURITE_REQUIRE_BROKER_TOOLS=1 after installing them).
     */
    static void requireTool(Path tool) {
        String message = tool + " is not installed (apt-get install mosquitto mosquitto-clients openssl)";
        if ("1".equals(System.getenv("NEURITE_REQUIRE_BROKER_TOOLS"))) {
            assertTrue(Files.isExecutable(tool), message);
        } else {
            assumeTrue(Files.isExecutable(tool), message);
        }
    }

    @Test
    void commandsJobsAndAnOutageWorkAgainstMosquitto() throws Exception {
        requireTool(MOSQUITTO);
        Files.createDirectories(home.resolve("broker"));
        int port = TestBroker.freePort();
        String uri = "tcp://127.0.0.1:" + port;
        String root = "neurite/v1/gw-mosq";
        Process broker = mosquitto(home.resolve("broker"), port);
        try (AgentHarness h = new AgentHarness(home.resolve("agent"), "gw-mosq", uri, s -> s.withMetricsInterval(0))) {
            h.awaitConnected();
            try (TestClient c = new TestClient(uri, root + "/reply/#", root + "/events", root + "/jobs/#", root + "/state")) {
                c.await(r -> r.topic().endsWith("/state") && r.retained() && r.json().get("online").getAsBoolean(),
                        10_000, "retained birth");
                assertEquals(200, c.call("gw-mosq", "device", "info", "m-info", null).get("status").getAsInt());
                assertEquals(404, c.call("gw-mosq", "no", "such", "m-404", null).get("status").getAsInt());
                JsonObject started = c.call("gw-mosq", "jobs", "start", "m-job",
                        "{\"algorithm\":\"softmax-regression\",\"dataset\":\"blobs/train\",\"hyperparameters\":{\"epochs\":2}}");
                String jobId = started.getAsJsonObject("result").get("id").getAsString();
                c.await(r -> r.topic().equals(root + "/jobs/" + jobId + "/progress"), 60_000, "progress");
                c.await(r -> r.topic().equals(root + "/events") && "SUCCEEDED".equals(r.json().get("state").getAsString()),
                        120_000, "completion");
            }

            // A short outage: replies queued while Mosquitto is down arrive after it restarts.
            broker.destroy();
            assertTrue(broker.waitFor(10, TimeUnit.SECONDS));
            long seq = h.agent.publish(h.agent.topics().events(), new JsonObject(), Outbox.Priority.HIGH);
            broker = mosquitto(home.resolve("broker"), port);
            try (TestClient c = new TestClient(uri, root + "/events")) {
                c.await(r -> r.json().get("seq").getAsLong() == seq, 30_000, "the message queued during the outage");
            }
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
