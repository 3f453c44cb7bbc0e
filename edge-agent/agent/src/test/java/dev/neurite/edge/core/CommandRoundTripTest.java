package dev.neurite.edge.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Command round trips through a real broker (Moquette, in-test) with a real Paho client on
 * the other side, against the real job engine and model store.
 */
class CommandRoundTripTest {

    static final String DEVICE = "gw-test";
    static final String ROOT = "neurite/v1/" + DEVICE;

    @TempDir
    static Path home;
    static TestBroker broker;
    static AgentHarness harness;
    static TestClient controller;

    @BeforeAll
    static void start() throws Exception {
        broker = new TestBroker();
        harness = new AgentHarness(home, DEVICE, broker.uri(), s -> s.withMaxPayload(64 * 1024)
                .withFleetGroups(java.util.List.of("north")));
        harness.awaitConnected();
        // Not the cmd/ topics: a Paho client that receives its own >64 KiB publish stalls.
        controller = new TestClient(broker.uri(), ROOT + "/reply/#", ROOT + "/events", ROOT + "/jobs/#",
                ROOT + "/metrics", "elsewhere/#");
    }

    @AfterAll
    static void stop() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (harness != null) {
            harness.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    static void assertError(JsonObject reply, int status, String field) {
        assertEquals(status, reply.get("status").getAsInt(), reply.toString());
        assertTrue(reply.has("error"), reply.toString());
        if (field != null) {
            assertEquals(field, reply.getAsJsonObject("error").get("field").getAsString(), reply.toString());
        }
    }

    @Test
    void birthDocumentIsRetainedAndDescribesTheDevice() throws Exception {
        try (TestClient late = new TestClient(broker.uri(), ROOT + "/state")) {
            JsonObject state = late.await(r -> r.topic().equals(ROOT + "/state"), 10_000, "state").json();
            assertTrue(state.get("online").getAsBoolean());
            assertEquals(DEVICE, state.get("device").getAsString());
            assertEquals("softmax-regression", state.getAsJsonArray("algorithms").get(0).getAsJsonObject()
                    .get("name").getAsString());
            assertFalse(state.getAsJsonArray("accelerators").isEmpty());
            assertTrue(state.getAsJsonObject("runtime").has("version"));
        }
    }

    @Test
    void deviceInfoAnswersWithEnvelope() throws Exception {
        JsonObject reply = controller.call(DEVICE, "device", "info", "info-1", null);
        assertEquals(200, reply.get("status").getAsInt(), reply.toString());
        assertEquals(DEVICE, reply.get("device").getAsString());
        assertTrue(reply.get("seq").getAsLong() > 0);
        assertTrue(reply.get("ts").getAsLong() > 0);
        JsonObject result = reply.getAsJsonObject("result");
        assertTrue(result.get("cores").getAsInt() > 0, result.toString());
        assertTrue(result.get("memoryBytes").getAsLong() > 0, result.toString());
    }

    @Test
    void replyGoesToReplyToWhenGiven() throws Exception {
        controller.publish(ROOT + "/cmd/algorithms/list", "{\"id\":\"rt-1\",\"replyTo\":\"elsewhere/inbox\"}");
        JsonObject reply = controller.await(r -> r.topic().equals("elsewhere/inbox"), 10_000, "reply").json();
        assertEquals("rt-1", reply.get("id").getAsString());
        JsonArray algorithms = reply.getAsJsonObject("result").getAsJsonArray("algorithms");
        assertEquals("softmax-regression", algorithms.get(0).getAsJsonObject().get("name").getAsString());
    }

    @Test
    void fleetCommandsAreAnsweredNamingTheDevice() throws Exception {
        controller.publish("neurite/v1/fleet/north/cmd/device/info", "{\"id\":\"fleet-1\"}");
        JsonObject reply = controller.await(r -> r.topic().equals(ROOT + "/reply/fleet-1"), 10_000, "fleet reply").json();
        assertEquals(200, reply.get("status").getAsInt(), reply.toString());
        assertEquals(DEVICE, reply.get("device").getAsString());
    }

    @Test
    void birthIsRepublishedOnRequest() throws Exception {
        try (TestClient watcher = new TestClient(broker.uri(), ROOT + "/state")) {
            watcher.await(r -> true, 10_000, "retained birth"); // Moquette 0.17 clears the retain flag on delivery
            long births = harness.agent.status().births();
            harness.agent.republishBirth();
            long deadline = System.currentTimeMillis() + 10_000;
            while (watcher.received.size() < 2) {
                assertTrue(System.currentTimeMillis() < deadline, "no new birth: " + watcher.received);
                Thread.sleep(10);
            }
            assertTrue(watcher.received.get(1).json().get("online").getAsBoolean());
            assertEquals(births + 1, harness.agent.status().births());
        }
    }

    @Test
    void unknownCommandIs404() throws Exception {
        assertError(controller.call(DEVICE, "nope", "never", "u-1", "{}"), 404, null);
    }

    @Test
    void malformedJsonIs400NamingWhereItBroke() throws Exception {
        controller.publish(ROOT + "/cmd/device/info", "{\"id\":\"m-1\",\"args\":{\"x\":tru");
        JsonObject reply = controller.await(r -> r.topic().equals(ROOT + "/reply/m-1"), 10_000, "reply").json();
        assertError(reply, 400, null);
        assertTrue(reply.getAsJsonObject("error").get("field").getAsString().startsWith("$.args"), reply.toString());
    }

    @Test
    void invalidArgumentsAre400NamingTheField() throws Exception {
        assertError(controller.call(DEVICE, "jobs", "start", "bad-1", "{\"algorithm\":\"softmax-regression\"}"),
                400, "args.trainDataset");
        assertError(controller.call(DEVICE, "jobs", "start", "bad-2",
                "{\"algorithm\":\"softmax-regression\",\"dataset\":\"blobs/train\",\"hyperparameters\":{\"learningRate\":-1}}"),
                400, "args.learningRate");
        assertError(controller.call(DEVICE, "jobs", "get", "bad-3", "{\"jobId\":7}"), 400, "args.jobId");
        assertError(controller.call(DEVICE, "jobs", "get", "bad-4", "[1]"), 400, "args");
        assertError(controller.call(DEVICE, "config", "set", "bad-5", "{\"properties\":{\"colour\":\"red\"}}"),
                400, "args.properties.colour");
    }

    @Test
    void oversizedPayloadIs413() throws Exception {
        String big = "{\"id\":\"big-1\",\"args\":{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}}";
        controller.publish(ROOT + "/cmd/device/info", big);
        JsonObject reply = controller.await(r -> r.topic().equals(ROOT + "/reply/big-1"), 10_000, "reply").json();
        assertError(reply, 413, "payload");
    }

    @Test
    void expiredRequestIs408AndNotExecuted() throws Exception {
        int before = harness.engine.list().size();
        controller.publish(ROOT + "/cmd/jobs/start", "{\"id\":\"exp-1\",\"expiresAt\":\"2020-01-01T00:00:00Z\","
                + "\"args\":{\"algorithm\":\"softmax-regression\",\"dataset\":\"blobs/train\"}}");
        JsonObject reply = controller.await(r -> r.topic().equals(ROOT + "/reply/exp-1"), 10_000, "reply").json();
        assertError(reply, 408, "expiresAt");
        assertEquals(before, harness.engine.list().size());
    }

    @Test
    void repeatedIdGetsTheFirstReplyAndRunsOnce() throws Exception {
        String args = "{\"algorithm\":\"softmax-regression\",\"dataset\":\"blobs/train\",\"hyperparameters\":{\"epochs\":1}}";
        int before = harness.engine.list().size();
        JsonObject first = controller.call(DEVICE, "jobs", "start", "dup-1", args);
        assertEquals(200, first.get("status").getAsInt(), first.toString());
        controller.publish(ROOT + "/cmd/jobs/start", "{\"id\":\"dup-1\",\"args\":" + args + "}");
        JsonObject second = controller.await(r -> r.topic().equals(ROOT + "/reply/dup-1")
                && r.json().get("seq").getAsLong() != first.get("seq").getAsLong(), 10_000, "second reply").json();
        assertEquals(first.get("result"), second.get("result"));
        assertEquals(before + 1, harness.engine.list().size());
    }

    @Test
    void jobStartReportsProgressAndCompletionThenModelAndInference() throws Exception {
        JsonObject started = controller.call(DEVICE, "jobs", "start", "job-a", "{\"algorithm\":\"softmax-regression\","
                + "\"dataset\":\"blobs/train\",\"testDataset\":\"blobs/test\",\"modelName\":\"blobs-mqtt\","
                + "\"hyperparameters\":{\"epochs\":3}}");
        assertEquals(200, started.get("status").getAsInt(), started.toString());
        String jobId = started.getAsJsonObject("result").get("id").getAsString();
        JsonObject progress = controller.await(r -> r.topic().equals(ROOT + "/jobs/" + jobId + "/progress"), 60_000,
                "progress").json();
        assertTrue(progress.has("loss") && progress.get("seq").getAsLong() > 0, progress.toString());
        JsonObject done = controller.await(r -> r.topic().equals(ROOT + "/events")
                && jobId.equals(r.json().get("jobId").getAsString())
                && "SUCCEEDED".equals(r.json().get("state").getAsString()), 120_000, "completion").json();
        assertEquals("blobs-mqtt:1", done.get("model").getAsString());

        JsonObject got = controller.call(DEVICE, "jobs", "get", "job-a-get", "{\"jobId\":\"" + jobId + "\"}");
        assertEquals("SUCCEEDED", got.getAsJsonObject("result").get("state").getAsString());

        JsonObject list = controller.call(DEVICE, "models", "list", "models-1", null);
        assertTrue(list.toString().contains("blobs-mqtt"), list.toString());

        // Weights in chunks: reassemble and compare with the store, by SHA-256.
        JsonObject meta = controller.call(DEVICE, "models", "get", "mget-0",
                "{\"name\":\"blobs-mqtt\",\"chunkBytes\":1024}").getAsJsonObject("result");
        int chunks = meta.get("chunks").getAsInt();
        assertTrue(chunks > 1, meta.toString());
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) {
            JsonObject c = controller.call(DEVICE, "models", "get", "mget-" + (i + 1),
                    "{\"name\":\"blobs-mqtt\",\"version\":1,\"chunkBytes\":1024,\"chunk\":" + i + "}");
            all.writeBytes(Base64.getDecoder().decode(c.getAsJsonObject("result").get("data").getAsString()));
        }
        assertEquals(meta.get("sha256").getAsString(),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toByteArray())));

        // Inference with the stored model agrees with the model's own weights.
        float[] w = harness.models.load("blobs-mqtt", 1).tensor("layer0.weight").toFloats();
        int inputs = harness.models.load("blobs-mqtt", 1).spec().inputSize();
        StringBuilder row = new StringBuilder("[");
        for (int i = 0; i < inputs; i++) {
            row.append(i == 0 ? "" : ",").append(i % 3 == 0 ? 1.0 : -0.5);
        }
        row.append(']');
        JsonObject inferred = controller.call(DEVICE, "infer", "run", "inf-1",
                "{\"model\":\"blobs-mqtt:1\",\"inputs\":[" + row + "," + row + "]}");
        assertEquals(200, inferred.get("status").getAsInt(), inferred.toString());
        JsonArray out = inferred.getAsJsonObject("result").getAsJsonArray("outputs").get(0).getAsJsonArray();
        double sum = 0;
        for (int i = 0; i < out.size(); i++) {
            sum += out.get(i).getAsDouble();
        }
        assertEquals(1.0, sum, 1e-4, "softmax outputs sum to one");
        assertTrue(w.length > 0);
        assertError(controller.call(DEVICE, "infer", "run", "inf-2", "{\"model\":\"blobs-mqtt:1\",\"inputs\":[[1,2]]}"),
                400, "args.inputs[0]");
        assertError(controller.call(DEVICE, "infer", "run", "inf-3", "{\"model\":\"nothing\",\"inputs\":[]}"), 404, null);

        JsonObject deleted = controller.call(DEVICE, "models", "delete", "mdel-1", "{\"name\":\"blobs-mqtt\",\"version\":1}");
        assertEquals(200, deleted.get("status").getAsInt(), deleted.toString());
    }

    @Test
    void bundleInstallWithWrongSha256IsRefused() throws Exception {
        String data = Base64.getEncoder().encodeToString("not even a jar".getBytes());
        JsonObject reply = controller.call(DEVICE, "bundles", "install", "bi-1",
                "{\"data\":\"" + data + "\",\"sha256\":\"" + "0".repeat(64) + "\"}");
        assertError(reply, 422, "args.sha256");
    }

    @Test
    void metricsCarrySystemFiguresAndOutboxCounters() throws Exception {
        harness.agent.publishMetrics();
        JsonObject m = controller.await(r -> r.topic().equals(ROOT + "/metrics"), 10_000, "metrics").json();
        assertTrue(m.getAsJsonObject("cpu").has("load"), m.toString());
        assertTrue(m.getAsJsonObject("memory").get("totalBytes").getAsLong() > 0, m.toString());
        assertTrue(m.getAsJsonObject("jvm").get("heapMaxBytes").getAsLong() > 0, m.toString());
        assertTrue(m.getAsJsonObject("mqtt").has("outboxDropped"), m.toString());
        assertTrue(m.get("seq").getAsLong() > 0);
    }

}
