package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Life cycle: the outbox outlives a crash, the will and the clean offline state. */
class RestartTest {

    @TempDir
    Path home;

    @Test
    void outboxIsDeliveredByTheNextInstanceAfterACrash() throws Exception {
        String root = "neurite/v1/gw-crash";
        try (TestBroker broker = new TestBroker()) {
            List<Long> queued = new ArrayList<>();
            AgentHarness first = new AgentHarness(home, "gw-crash", broker.uri(), s -> s.withMetricsInterval(0));
            first.awaitConnected();
            broker.stop();
            for (int i = 0; i < 50; i++) {
                JsonObject body = new JsonObject();
                body.addProperty("n", i);
                queued.add(first.agent.publish(first.agent.topics().events(), body,
                        i % 2 == 0 ? Outbox.Priority.HIGH : Outbox.Priority.LOW));
            }
            assertEquals(50, first.agent.status().outbox().depth());
            first.agent.abandon(); // as a crash: no clean close, nothing drained
            first.engine.close();

            broker.start();
            try (TestClient watcher = new TestClient(broker.uri(), root + "/events");
                 AgentHarness second = new AgentHarness(home, "gw-crash", broker.uri(), s -> s.withMetricsInterval(0))) {
                second.awaitConnected();
                long deadline = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < deadline && watcher.received.size() < 50) {
                    Thread.sleep(20);
                }
                Set<Long> got = watcher.received.stream().map(r -> r.json().get("seq").getAsLong())
                        .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(new TreeSet<>(queued), got);
                long next = second.agent.publish(second.agent.topics().events(), new JsonObject(), Outbox.Priority.LOW);
                assertTrue(next > queued.get(queued.size() - 1), "numbering continues after the restart: " + next);
            }
        }
    }

    @Test
    void willSaysOfflineAfterACrashAndCleanShutdownSaysSoToo() throws Exception {
        String state = "neurite/v1/gw-life/state";
        try (TestBroker broker = new TestBroker()) {
            AgentHarness crashing = new AgentHarness(home.resolve("a"), "gw-life", broker.uri(), s -> s.withMetricsInterval(0));
            crashing.awaitConnected();
            try (TestClient watcher = new TestClient(broker.uri(), state)) {
                watcher.await(r -> r.json().get("online").getAsBoolean(), 10_000, "birth");
                crashing.agent.abandon();
                crashing.engine.close();
                JsonObject will = watcher.await(r -> !r.json().get("online").getAsBoolean(), 10_000, "will").json();
                assertFalse(will.has("reason"), "the will, not a clean offline message: " + will);

                AgentHarness clean = new AgentHarness(home.resolve("b"), "gw-life", broker.uri(), s -> s.withMetricsInterval(0));
                clean.awaitConnected();
                long deadline = System.currentTimeMillis() + 10_000;
                while (watcher.received.stream().filter(r -> r.json().get("online").getAsBoolean()).count() < 2) {
                    assertTrue(System.currentTimeMillis() < deadline, "no second birth: " + watcher.received);
                    Thread.sleep(20);
                }
                watcher.received.clear();
                clean.close();
                JsonObject offline = watcher.await(r -> !r.json().get("online").getAsBoolean(), 10_000, "offline").json();
                assertEquals("shutdown", offline.get("reason").getAsString());
            }
        }
    }
}
