package dev.neurite.edge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 1,000 broken or random payloads: the agent stays connected and answers every one it can address with a 4xx. */
class FuzzTest {

    @TempDir
    Path home;

    @Test
    void malformedAndRandomPayloadsAreAnsweredWith4xxAndDoNoHarm() throws Exception {
        String root = "neurite/v1/gw-fuzz";
        String[] commands = {"device/info", "jobs/start", "jobs/get", "bundles/install", "models/get", "infer/run",
                "config/set", "nope/nothing"};
        Random random = new Random(7);
        try (TestBroker broker = new TestBroker();
             AgentHarness h = new AgentHarness(home, "gw-fuzz", broker.uri(), s -> s.withMetricsInterval(0).withMaxPayload(8192));
             TestClient client = new TestClient(broker.uri(), "fuzz/replies")) {
            h.awaitConnected();
            Set<String> addressed = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                String topic = root + "/cmd/" + commands[random.nextInt(commands.length)];
                byte[] payload;
                String id = "f-" + i;
                switch (i % 5) {
                    case 0 -> payload = randomBytes(random, 1 + random.nextInt(300));
                    case 1 -> {
                        // addressed, then broken: ':' cannot follow ',' in JSON
                        payload = ("{\"id\":\"" + id + "\",\"replyTo\":\"fuzz/replies\",:" + printable(random, 80))
                                .getBytes(StandardCharsets.UTF_8);
                        addressed.add(id);
                    }
                    case 2 -> {
                        // addressed, well formed, wrong types
                        payload = ("{\"id\":\"" + id + "\",\"replyTo\":\"fuzz/replies\",\"expiresAt\":\"soon\",\"args\":"
                                + random.nextInt() + "}").getBytes(StandardCharsets.UTF_8);
                        addressed.add(id);
                    }
                    case 3 -> {
                        // addressed, too big
                        payload = ("{\"replyTo\":\"fuzz/replies\",\"id\":\"" + id + "\",\"args\":{\"x\":\""
                                + "y".repeat(9000) + "\"}}").getBytes(StandardCharsets.UTF_8);
                        addressed.add(id);
                    }
                    default -> payload = ("{\"replyTo\":\"fuzz/+/wildcard\",\"args\":" + printable(random, 40))
                            .getBytes(StandardCharsets.UTF_8);
                }
                client.publish(topic, payload);
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && client.received.size() < addressed.size()) {
                Thread.sleep(50);
            }
            Set<String> answered = new HashSet<>();
            for (TestClient.Received r : client.received) {
                int status = r.json().get("status").getAsInt();
                assertTrue(status >= 400 && status < 500, r.payload());
                answered.add(r.json().get("id").getAsString());
            }
            assertEquals(addressed, answered);
            assertTrue(h.agent.isConnected());
            assertEquals(0, h.agent.status().connectionLosses());
            assertEquals(1000, h.agent.status().commands().received());
            // and it still works
            try (TestClient c = new TestClient(broker.uri(), root + "/reply/#")) {
                assertEquals(200, c.call("gw-fuzz", "device", "info", "after-fuzz", null).get("status").getAsInt());
            }
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String printable(Random random, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (32 + random.nextInt(95)));
        }
        return sb.toString();
    }
}
