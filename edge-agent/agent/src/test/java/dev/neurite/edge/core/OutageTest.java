package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Telemetry keeps flowing while the broker is down for {@code neurite.outageSeconds}
 * (default 5 in the build; {@code -Dneurite.outageSeconds=30} is the long run) and every
 * sequence number reaches the broker once it is back.
 */
class OutageTest {

    @TempDir
    Path home;

    @Test
    void brokerOutageLosesNoSequenceNumber() throws Exception {
        int outageSeconds = Integer.getInteger("neurite.outageSeconds", 5);
        try (TestBroker broker = new TestBroker()) {
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            broker.watchPublishes((topic, payload) -> {
                if (topic.endsWith("/events")) {
                    JsonObject o = JsonParser.parseString(payload).getAsJsonObject();
                    if (o.has("tick")) {
                        seen.add(o.get("seq").getAsLong());
                    }
                }
            });
            try (AgentHarness h = new AgentHarness(home, "gw-outage", broker.uri(), s -> s.withMetricsInterval(200))) {
                h.awaitConnected();
                List<Long> sent = new CopyOnWriteArrayList<>();
                Thread producer = new Thread(() -> {
                    int tick = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                        JsonObject body = new JsonObject();
                        body.addProperty("tick", tick++);
                        sent.add(h.agent.publish(h.agent.topics().events(), body, Outbox.Priority.LOW));
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                producer.start();
                Thread.sleep(1_000);
                broker.stop();
                long down = System.currentTimeMillis();
                Thread.sleep(outageSeconds * 1_000L);
                assertTrue(h.agent.status().outbox().depth() > 0, "messages wait in the outbox during the outage");
                broker.start();
                long up = System.currentTimeMillis();
                Thread.sleep(1_000);
                producer.interrupt();
                producer.join();
                long deadline = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < deadline && !seen.containsAll(sent)) {
                    Thread.sleep(50);
                }
                Set<Long> missing = new TreeSet<>(sent);
                missing.removeAll(seen);
                assertEquals(Set.of(), missing, "sequence numbers that never reached the broker");
                assertTrue(sent.size() > 100, "produced " + sent.size());
                assertTrue(h.agent.status().connects() >= 2, h.agent.status().toString());
                assertEquals(0, h.agent.status().outbox().dropped());
                System.out.printf("outage of %d s (broker down for %d ms): %d telemetry messages, none lost, "
                                + "%d reconnects, all delivered %d ms after the broker was back%n", outageSeconds,
                        up - down, sent.size(), h.agent.status().connects() - 1, System.currentTimeMillis() - up);
            }
        }
    }
}
