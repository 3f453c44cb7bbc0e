package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Loopback benchmark (a main, not a test): {@code device/info} round-trip latency over 1,000
 * requests, and the highest sustained telemetry rate that arrives complete. Broker: Moquette
 * in-process, or any broker given as the first argument (for example Mosquitto).
 *
 * <pre>
 * mvn -q -pl edge-agent/agent test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=cp.txt
 * java -cp edge-agent/agent/target/classes:edge-agent/agent/target/test-classes:$(cat edge-agent/agent/cp.txt) \
 *     dev.neurite.edge.core.AgentBenchmark [tcp://127.0.0.1:1883]
 * </pre>
 */
public final class AgentBenchmark {

    private AgentBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("neurite-bench");
        TestBroker embedded = args.length == 0 ? new TestBroker() : null;
        String uri = args.length == 0 ? embedded.uri() : args[0];
        String device = "gw-bench";
        String root = "neurite/v1/" + device;
        try (AgentHarness h = new AgentHarness(home, device, uri, s -> s.withMetricsInterval(0).withOutbox(100_000, 256L << 20))) {
            h.awaitConnected();
            System.out.println("broker " + (embedded != null ? "Moquette 0.17 in-process" : uri) + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));

            Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
            Set<Long> telemetry = ConcurrentHashMap.newKeySet();
            MqttClient client = new MqttClient(uri, "bench-controller", new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    System.err.println("controller lost its connection: " + cause);
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    JsonObject o = JsonParser.parseString(new String(message.getPayload(), StandardCharsets.UTF_8))
                            .getAsJsonObject();
                    if (topic.startsWith(root + "/reply/")) {
                        CompletableFuture<JsonObject> f = pending.remove(o.get("id").getAsString());
                        if (f != null) {
                            f.complete(o);
                        }
                    } else if (o.has("bench")) {
                        telemetry.add(o.get("seq").getAsLong());
                    }
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMaxInflight(1000);
            o.setSocketFactory(NoDelaySockets.plain());
            client.connect(o);
            client.subscribe(new String[] {root + "/reply/#", root + "/events"}, new int[] {1, 1});

            // 1. device/info round trips
            int warmup = 200;
            int n = 1000;
            long[] micros = new long[n];
            for (int i = 0; i < warmup + n; i++) {
                String id = "r" + i;
                CompletableFuture<JsonObject> f = new CompletableFuture<>();
                pending.put(id, f);
                long t0 = System.nanoTime();
                client.publish(root + "/cmd/device/info", ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8), 1, false);
                JsonObject reply = f.get(10, TimeUnit.SECONDS);
                long t = (System.nanoTime() - t0) / 1_000;
                if (reply.get("status").getAsInt() != 200) {
                    throw new IllegalStateException(reply.toString());
                }
                if (i >= warmup) {
                    micros[i - warmup] = t;
                }
            }
            Arrays.sort(micros);
            System.out.printf("device/info round trip over %d requests (QoS 1 both ways, reply fsynced): "
                            + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", n,
                    micros[n / 2] / 1000.0, micros[n * 9 / 10] / 1000.0, micros[n * 99 / 100] / 1000.0, micros[n - 1] / 1000.0);

            // 2. sustained telemetry at rising rates until something is lost or cannot keep up
            int best = 0;
            for (int rate : new int[] {1_000, 2_000, 3_000, 4_000, 5_000, 10_000, 20_000}) {
                telemetry.clear();
                long droppedBefore = h.agent.status().outbox().dropped();
                int seconds = 5;
                int total = rate * seconds;
                Set<Long> sent = ConcurrentHashMap.newKeySet();
                long start = System.nanoTime();
                for (int i = 0; i < total; i++) {
                    long due = start + (long) i * 1_000_000_000L / rate;
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                    JsonObject body = new JsonObject();
                    body.addProperty("bench", i);
                    sent.add(h.agent.publish(h.agent.topics().events(), body, Outbox.Priority.LOW));
                }
                double produceSeconds = (System.nanoTime() - start) / 1e9;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline && !telemetry.containsAll(sent)) {
                    Thread.sleep(20);
                }
                double deliverSeconds = (System.nanoTime() - start) / 1e9;
                Set<Long> missing = new java.util.HashSet<>(sent);
                missing.removeAll(telemetry);
                long dropped = h.agent.status().outbox().dropped() - droppedBefore;
                boolean kept = deliverSeconds < seconds * 1.2 + 1;
                System.out.printf("telemetry at %,6d msg/s for %d s: %,d sent, %,d received, %d missing, %d dropped, "
                                + "all delivered after %.2f s (produced in %.2f s)%s%n", rate, seconds, total,
                        total - missing.size(), missing.size(), dropped, deliverSeconds, produceSeconds,
                        kept ? "" : "  <- backlog: not sustained");
                if (!missing.isEmpty() || !kept) {
                    break;
                }
                best = rate;
            }
            System.out.printf("highest sustained telemetry rate with zero loss: %,d msg/s%n", best);
            client.disconnect();
            client.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
