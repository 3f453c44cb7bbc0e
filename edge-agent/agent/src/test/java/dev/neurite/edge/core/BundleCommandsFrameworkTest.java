package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import dev.neurite.edge.Topics;
import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code bundles/*} against a real Felix framework started in-process: install from inline
 * chunks and from a URL, refusal on a wrong SHA-256, rollback of bundles that do not resolve
 * or start, rollback of a failed update, and protection of the system bundle.
 */
class BundleCommandsFrameworkTest {

    @TempDir
    Path dir;
    private Felix felix;
    private CommandDispatcher dispatcher;
    private final Map<String, JsonObject> replies = new ConcurrentHashMap<>();
    private int ids;

    @BeforeEach
    void startFramework() throws Exception {
        felix = new Felix(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.init();
        felix.start();
        FrameworkBundles bundles = new FrameworkBundles(felix.getBundleContext(), dir.resolve("archive"));
        dispatcher = new CommandDispatcher(new Topics("gw-osgi"), new CommandDispatcher.Settings(1 << 20, 1, 16, 64),
                (topic, body) -> replies.put(body.get("id").getAsString(), body), System::currentTimeMillis);
        new BundleCommands(() -> bundles, new BundleCommands.Settings(1 << 20, Set.of("http"), 5_000, 60_000),
                System::currentTimeMillis).register(dispatcher);
    }

    @AfterEach
    void stopFramework() throws Exception {
        dispatcher.close();
        felix.stop();
        felix.waitForStop(10_000);
    }

    private JsonObject call(String verb, JsonObject args) throws InterruptedException {
        String id = "b-" + (++ids);
        JsonObject request = new JsonObject();
        request.addProperty("id", id);
        request.add("args", args);
        dispatcher.accept("neurite/v1/gw-osgi/cmd/bundles/" + verb, request.toString().getBytes(StandardCharsets.UTF_8));
        long deadline = System.currentTimeMillis() + 30_000;
        while (!replies.containsKey(id)) {
            if (System.currentTimeMillis() > deadline) {
                fail("no reply to " + verb);
            }
            Thread.sleep(5);
        }
        return replies.get(id);
    }

    static byte[] bundle(String bsn, String version, Map<String, String> headers) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        headers.forEach(a::putValue);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry("readme.txt"));
            jar.write(("bundle " + bsn + " " + version).getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return out.toByteArray();
    }

    private static JsonObject inline(byte[] jar) {
        JsonObject args = new JsonObject();
        args.addProperty("data", Base64.getEncoder().encodeToString(jar));
        args.addProperty("sha256", BundleCommands.sha256(jar));
        return args;
    }

    private Bundle installed(String bsn) {
        return Arrays.stream(felix.getBundleContext().getBundles()).filter(b -> bsn.equals(b.getSymbolicName()))
                .findFirst().orElse(null);
    }

    @Test
    void installsFromChunksStartsAndUninstalls() throws Exception {
        byte[] jar = bundle("test.good", "1.0.0", Map.of());
        String sha = BundleCommands.sha256(jar);
        int chunks = 3;
        int size = (jar.length + chunks - 1) / chunks;
        JsonObject last = null;
        for (int i = chunks - 1; i >= 0; i--) { // out of order on purpose
            JsonObject args = new JsonObject();
            args.addProperty("upload", "u1");
            args.addProperty("index", i);
            args.addProperty("count", chunks);
            args.addProperty("data", Base64.getEncoder().encodeToString(
                    Arrays.copyOfRange(jar, i * size, Math.min(jar.length, (i + 1) * size))));
            if (i == 0) {
                args.addProperty("sha256", sha);
            }
            last = call("install", args);
            assertEquals(200, last.get("status").getAsInt(), last.toString());
        }
        JsonObject result = last.getAsJsonObject("result");
        assertEquals("ACTIVE", result.get("state").getAsString(), last.toString());
        Bundle b = installed("test.good");
        assertEquals(Bundle.ACTIVE, b.getState());

        JsonObject again = call("install", inline(jar));
        assertEquals(409, again.get("status").getAsInt(), again.toString());

        JsonObject stop = new JsonObject();
        stop.addProperty("bundle", "test.good");
        assertEquals("RESOLVED", call("stop", stop).getAsJsonObject("result").get("state").getAsString());
        assertEquals("ACTIVE", call("start", stop).getAsJsonObject("result").get("state").getAsString());
        assertEquals(200, call("uninstall", stop).get("status").getAsInt());
        assertEquals(null, installed("test.good"));
    }

    @Test
    void installsFromAUrl() throws Exception {
        byte[] jar = bundle("test.url", "1.0.0", Map.of());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/b.jar", exchange -> {
            exchange.sendResponseHeaders(200, jar.length);
            exchange.getResponseBody().write(jar);
            exchange.close();
        });
        server.start();
        try {
            JsonObject args = new JsonObject();
            args.addProperty("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/b.jar");
            args.addProperty("sha256", BundleCommands.sha256(jar));
            JsonObject reply = call("install", args);
            assertEquals(200, reply.get("status").getAsInt(), reply.toString());
            assertEquals(Bundle.ACTIVE, installed("test.url").getState());

            JsonObject file = new JsonObject();
            file.addProperty("url", "file:///etc/passwd");
            file.addProperty("sha256", BundleCommands.sha256(jar));
            JsonObject refused = call("install", file);
            assertEquals(400, refused.get("status").getAsInt(), refused.toString());
            assertEquals("args.url", refused.getAsJsonObject("error").get("field").getAsString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void wrongSha256IsRefusedAndNothingIsInstalled() throws Exception {
        byte[] jar = bundle("test.sha", "1.0.0", Map.of());
        int before = felix.getBundleContext().getBundles().length;
        JsonObject args = inline(jar);
        args.addProperty("sha256", BundleCommands.sha256(bundle("test.other", "1.0.0", Map.of())));
        JsonObject reply = call("install", args);
        assertEquals(422, reply.get("status").getAsInt(), reply.toString());
        assertEquals("args.sha256", reply.getAsJsonObject("error").get("field").getAsString());
        assertEquals(before, felix.getBundleContext().getBundles().length);
        JsonObject missing = inline(jar);
        missing.remove("sha256");
        assertEquals("args.sha256", call("install", missing).getAsJsonObject("error").get("field").getAsString());
    }

    @Test
    void bundlesThatDoNotResolveOrStartAreRolledBack() throws Exception {
        int before = felix.getBundleContext().getBundles().length;
        JsonObject unresolved = call("install", inline(bundle("test.unresolved", "1.0.0",
                Map.of("Import-Package", "does.not.exist"))));
        assertEquals(422, unresolved.get("status").getAsInt(), unresolved.toString());
        assertEquals("rolled-back", unresolved.getAsJsonObject("error").get("code").getAsString());
        JsonObject failing = call("install", inline(bundle("test.failing", "1.0.0",
                Map.of("Bundle-Activator", "no.such.Activator"))));
        assertEquals(422, failing.get("status").getAsInt(), failing.toString());
        assertEquals(before, felix.getBundleContext().getBundles().length, "nothing left behind");
    }

    @Test
    void aFailedUpdateRestoresThePreviousVersion() throws Exception {
        assertEquals(200, call("install", inline(bundle("test.upd", "1.0.0", Map.of()))).get("status").getAsInt());
        JsonObject args = inline(bundle("test.upd", "2.0.0", Map.of("Import-Package", "does.not.exist")));
        args.addProperty("bundle", "test.upd");
        JsonObject reply = call("update", args);
        assertEquals(422, reply.get("status").getAsInt(), reply.toString());
        Bundle b = installed("test.upd");
        assertEquals("1.0.0", b.getVersion().toString());
        assertEquals(Bundle.ACTIVE, b.getState());

        JsonObject good = inline(bundle("test.upd", "2.0.0", Map.of()));
        good.addProperty("bundle", "test.upd");
        JsonObject ok = call("update", good);
        assertEquals(200, ok.get("status").getAsInt(), ok.toString());
        assertEquals("2.0.0", installed("test.upd").getVersion().toString());
        assertEquals(Bundle.ACTIVE, installed("test.upd").getState());
    }

    @Test
    void installWithReplaceUpdatesAndRollbackRestoresThePreviousVersion() throws Exception {
        JsonObject noEarlier = new JsonObject();
        JsonObject first = inline(bundle("test.roll", "1.0.0", Map.of()));
        first.addProperty("replace", true);
        assertEquals(200, call("install", first).get("status").getAsInt());
        noEarlier.addProperty("bundle", "test.roll");
        JsonObject nothingKept = call("rollback", noEarlier);
        assertEquals(409, nothingKept.get("status").getAsInt(), nothingKept.toString());

        long id = installed("test.roll").getBundleId();
        JsonObject second = inline(bundle("test.roll", "2.0.0", Map.of()));
        second.addProperty("replace", true);
        JsonObject updated = call("install", second);
        assertEquals(200, updated.get("status").getAsInt(), updated.toString());
        assertEquals(id, updated.getAsJsonObject("result").get("id").getAsLong(), "updated in place, not installed twice");
        assertEquals("2.0.0", installed("test.roll").getVersion().toString());

        JsonObject back = call("rollback", noEarlier);
        assertEquals(200, back.get("status").getAsInt(), back.toString());
        assertEquals("1.0.0", back.getAsJsonObject("result").get("version").getAsString());
        assertEquals("1.0.0", installed("test.roll").getVersion().toString());
        assertEquals(Bundle.ACTIVE, installed("test.roll").getState());
        // A second rollback undoes the first.
        assertEquals("2.0.0", call("rollback", noEarlier).getAsJsonObject("result").get("version").getAsString());
    }

    @Test
    void aDeviceThatRequiresSignaturesInstallsNothingUnsigned() throws Exception {
        Path keys = SigningKeys.keyPair(dir, "keys", "ops");
        Path trust = SigningKeys.trustStore(dir, "trust", keys, "ops");
        FrameworkBundles bundles = new FrameworkBundles(felix.getBundleContext(), dir.resolve("archive2"));
        CommandDispatcher strict = new CommandDispatcher(new Topics("gw-strict"), new CommandDispatcher.Settings(1 << 20, 1, 16, 64),
                (topic, body) -> replies.put(body.get("id").getAsString(), body), System::currentTimeMillis);
        new BundleCommands(() -> bundles, new BundleCommands.Settings(1 << 20, Set.of("http"), 5_000, 60_000),
                System::currentTimeMillis, new BundleSignatures(new BundleSignatures.Policy(trust, "PKCS12",
                SigningKeys.PASSWORD, true))).register(strict);
        try {
            byte[] jar = bundle("test.strict", "1.0.0", Map.of());
            int before = felix.getBundleContext().getBundles().length;
            strict.accept("neurite/v1/gw-strict/cmd/bundles/install",
                    ("{\"id\":\"s-1\",\"args\":" + inline(jar) + "}").getBytes(StandardCharsets.UTF_8));
            JsonObject refused = await("s-1");
            assertEquals(403, refused.get("status").getAsInt(), refused.toString());
            assertEquals("unsigned-bundle", refused.getAsJsonObject("error").get("code").getAsString());
            assertEquals(before, felix.getBundleContext().getBundles().length);

            byte[] signed = SigningKeys.sign(jar, keys, "ops", dir);
            strict.accept("neurite/v1/gw-strict/cmd/bundles/install",
                    ("{\"id\":\"s-2\",\"args\":" + inline(signed) + "}").getBytes(StandardCharsets.UTF_8));
            JsonObject accepted = await("s-2");
            assertEquals(200, accepted.get("status").getAsInt(), accepted.toString());
            assertEquals(Bundle.ACTIVE, installed("test.strict").getState());
        } finally {
            strict.close();
        }
    }

    private JsonObject await(String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!replies.containsKey(id)) {
            if (System.currentTimeMillis() > deadline) {
                fail("no reply " + id);
            }
            Thread.sleep(5);
        }
        return replies.get(id);
    }

    @Test
    void theSystemBundleCannotBeTouched() throws Exception {
        JsonObject args = new JsonObject();
        args.addProperty("bundle", "0");
        assertEquals(403, call("stop", args).get("status").getAsInt());
        args.addProperty("bundle", "999");
        assertEquals(404, call("stop", args).get("status").getAsInt());
        JsonObject list = call("list", new JsonObject());
        assertTrue(list.getAsJsonObject("result").getAsJsonArray("bundles").size() >= 1);
    }
}
