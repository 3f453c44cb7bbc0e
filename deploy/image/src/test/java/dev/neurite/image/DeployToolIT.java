package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deploy tool, run as its own process ({@code java -jar neurite-deploy.jar}), against
 * runtimes started from the image: a fleet push to two runtimes sharing one broker, a device
 * that requires signed bundles, and a rollback to the previous version.
 */
@Timeout(300)
class DeployToolIT extends ImageTestSupport {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    /** What one run of the tool printed: the table on stdout, progress and errors on stderr. */
    private record Run(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @Test
    void aFleetPushReachesTwoRuntimesOnOneBroker() throws Exception {
        int port = RuntimeProcess.freePort();
        String broker = "tcp://127.0.0.1:" + port;
        Path first = temp.resolve("edge-a");
        Path second = temp.resolve("edge-b");
        configure(first, "port=" + port + "\npersistence=false\n", "edge-a", broker, "fleetGroups=lab\n");
        // The second runtime's own broker is off: it uses the first one's.
        configure(second, "mode=off\n", "edge-b", broker, "fleetGroups=lab\n");
        RuntimeProcess a = start(first, Map.of());
        RuntimeProcess b = start(second, Map.of());
        a.awaitReady(READY_TIMEOUT);
        b.awaitReady(READY_TIMEOUT);
        awaitOnline(broker, "edge-a", "edge-b");

        Path jar = bundle(temp.resolve("fleet.jar"), "test.deploy.fleet", "1.0.0");
        Run push = tool("push", jar.toString(), "--group", "lab", "--broker", broker, "--chunk-size", "1024");
        assertEquals(0, push.status(), push.toString());
        assertTrue(row(push.out(), "edge-a", "test.deploy.fleet", "1.0.0", "ACTIVE"), push.toString());
        assertTrue(row(push.out(), "edge-b", "test.deploy.fleet", "1.0.0", "ACTIVE"), push.toString());
        assertTrue(push.err().contains("edge-a: 100%") && push.err().contains("edge-b: 100%"),
                "plain progress lines when not on a terminal: " + push);

        for (RuntimeProcess rt : List.of(a, b)) {
            String lb = rt.shell("lb -s test.deploy.fleet", COMMAND_TIMEOUT);
            assertTrue(Pattern.compile("Active\\s*\\|.*test\\.deploy\\.fleet \\(1\\.0\\.0\\)").matcher(lb).find(), lb);
        }
        Run list = tool("list", "--group", "lab", "--broker", broker, "--filter", "test.deploy.fleet");
        assertEquals(0, list.status(), list.toString());
        assertTrue(row(list.out(), "edge-a", "test.deploy.fleet", "1.0.0", "ACTIVE"), list.toString());
        assertTrue(row(list.out(), "edge-b", "test.deploy.fleet", "1.0.0", "ACTIVE"), list.toString());
        Run status = tool("status", "--group", "lab", "--broker", broker);
        assertEquals(0, status.status(), status.toString());
        assertTrue(row(status.out(), "edge-a", "yes", "lab", "softmax-regression"), status.toString());
        assertTrue(row(status.out(), "edge-b", "yes", "lab", "softmax-regression"), status.toString());
    }

    @Test
    void aDeviceThatRequiresSignaturesRefusesUnsignedBundlesAndAcceptsSignedOnes() throws Exception {
        Path keys = temp.resolve("keys");
        Files.createDirectories(keys);
        Path release = keyPair(keys.resolve("release.p12"), "release");
        Path stranger = keyPair(keys.resolve("stranger.p12"), "stranger");
        Path certificate = keys.resolve("release.pem");
        jdkTool("keytool", "-exportcert", "-rfc", "-keystore", release.toString(), "-storepass", "secret1",
                "-alias", "release", "-file", certificate.toString());
        Path trust = keys.resolve("device-trust.p12");
        jdkTool("keytool", "-importcert", "-noprompt", "-keystore", trust.toString(), "-storetype", "PKCS12",
                "-storepass", "trust-pw", "-alias", "release", "-file", certificate.toString());

        int port = RuntimeProcess.freePort();
        String broker = "tcp://127.0.0.1:" + port;
        configure(temp.resolve("strict"), "port=" + port + "\npersistence=false\n", "strict-1", broker,
                "requireSignedBundles=true\nbundleTrustStore=" + trust + "\nbundleTrustStorePassword=trust-pw\n");
        RuntimeProcess rt = start(temp.resolve("strict"), Map.of());
        rt.awaitReady(READY_TIMEOUT);
        awaitOnline(broker, "strict-1");

        Path jar = bundle(temp.resolve("signed.jar"), "test.deploy.signed", "1.0.0");
        Run unsigned = tool("push", jar.toString(), "--device", "strict-1", "--broker", broker);
        assertEquals(1, unsigned.status(), unsigned.toString());
        assertTrue(row(unsigned.out(), "strict-1", "test.deploy.signed", "FAILED", "403 unsigned-bundle"), unsigned.toString());
        assertFalse(rt.shell("lb -s", COMMAND_TIMEOUT).contains("test.deploy.signed"), "nothing installed");

        Path foreign = temp.resolve("foreign.jar");
        Run signForeign = tool("sign", jar.toString(), "--keystore", stranger.toString(), "--alias", "stranger",
                "--storepass=secret1", "--out", foreign.toString());
        assertEquals(0, signForeign.status(), signForeign.toString());
        Run untrusted = tool("push", foreign.toString(), "--device", "strict-1", "--broker", broker);
        assertEquals(1, untrusted.status(), untrusted.toString());
        assertTrue(row(untrusted.out(), "strict-1", "FAILED", "403 untrusted-signer"), untrusted.toString());
        assertFalse(rt.shell("lb -s", COMMAND_TIMEOUT).contains("test.deploy.signed"), "nothing installed");

        Run sign = tool("sign", jar.toString(), "--keystore", release.toString(), "--alias", "release", "--storepass=secret1");
        assertEquals(0, sign.status(), sign.toString());
        String verified = jdkTool("jarsigner", "-verify", jar.toString());
        assertTrue(verified.contains("jar verified."), verified);
        Run signed = tool("push", jar.toString(), "--device", "strict-1", "--broker", broker);
        assertEquals(0, signed.status(), signed.toString());
        assertTrue(row(signed.out(), "strict-1", "test.deploy.signed", "1.0.0", "ACTIVE"), signed.toString());
    }

    @Test
    void aRollbackRestoresThePreviousVersion() throws Exception {
        int port = RuntimeProcess.freePort();
        String broker = "tcp://127.0.0.1:" + port;
        configure(temp.resolve("roll"), "port=" + port + "\npersistence=false\n", "roll-1", broker, "");
        RuntimeProcess rt = start(temp.resolve("roll"), Map.of());
        rt.awaitReady(READY_TIMEOUT);
        awaitOnline(broker, "roll-1");

        Run v1 = tool("push", bundle(temp.resolve("v1.jar"), "test.deploy.roll", "1.0.0").toString(),
                "--device", "roll-1", "--broker", broker);
        assertEquals(0, v1.status(), v1.toString());
        Run v2 = tool("push", bundle(temp.resolve("v2.jar"), "test.deploy.roll", "2.0.0").toString(),
                "--device", "roll-1", "--broker", broker);
        assertEquals(0, v2.status(), v2.toString());
        assertTrue(row(v2.out(), "roll-1", "test.deploy.roll", "2.0.0", "ACTIVE"), v2.toString());

        Run rollback = tool("rollback", "test.deploy.roll", "--device", "roll-1", "--broker", broker);
        assertEquals(0, rollback.status(), rollback.toString());
        assertTrue(row(rollback.out(), "roll-1", "test.deploy.roll", "1.0.0", "ACTIVE"), rollback.toString());
        Run list = tool("list", "--device", "roll-1", "--broker", broker, "--filter", "test.deploy.roll");
        assertTrue(row(list.out(), "roll-1", "test.deploy.roll", "1.0.0", "ACTIVE"), list.toString());
        assertFalse(list.out().contains("2.0.0"), "one copy only, at the old version: " + list);
    }

    /** Writes the broker and agent configuration a runtime home starts with. */
    private static void configure(Path home, String brokerConfig, String deviceId, String brokerUri, String agentExtra)
            throws IOException {
        Path load = Files.createDirectories(home.resolve("load"));
        Files.writeString(load.resolve("dev.neurite.edge.broker.cfg"), brokerConfig);
        Files.writeString(load.resolve("dev.neurite.edge.agent.cfg"), "deviceId=" + deviceId + "\nbrokerUris=" + brokerUri
                + "\nmetricsIntervalSeconds=5\n" + agentExtra);
    }

    /** Waits until the tool sees every device online (agents connect a little after the ready line). */
    private void awaitOnline(String broker, String... devices) throws Exception {
        List<String> args = new ArrayList<>(List.of("status", "--broker", broker, "--discovery", "500", "--timeout", "10"));
        for (String d : devices) {
            args.add("--device");
            args.add(d);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Run last;
        do {
            last = tool(args.toArray(String[]::new));
            if (last.status() == 0) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("devices " + Arrays.toString(devices) + " not online within 60 s: " + last);
    }

    /** Whether one line of the output holds all the cells, in order. */
    private static boolean row(String output, String... cells) {
        StringBuilder regex = new StringBuilder("(?m)^");
        for (String c : cells) {
            regex.append(".*").append(Pattern.quote(c));
        }
        return Pattern.compile(regex.toString()).matcher(output).find();
    }

    private Run tool(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("neurite.deploy.tool", "../cli/target/neurite-deploy.jar"));
        assertTrue(Files.isRegularFile(jar), "no deploy tool at " + jar.toAbsolutePath());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(temp, "tool", ".out");
        Path err = Files.createTempFile(temp, "tool", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("neurite-deploy " + String.join(" ", args) + " did not finish within "
                    + TOOL_TIMEOUT.toSeconds() + " s:\n" + Files.readString(out) + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A tiny bundle with one resource: enough to install, start and tell versions apart. */
    private static Path bundle(Path file, String bsn, String version) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        try (OutputStream os = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(os, m)) {
            jar.putNextEntry(new JarEntry("OSGI-INF/about.txt"));
            // A few KiB so that pushes with small chunks really go in several messages.
            jar.write(("test bundle " + bsn + " " + version + "\n").repeat(200).getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return file;
    }

    private static Path keyPair(Path store, String alias) throws IOException, InterruptedException {
        jdkTool("keytool", "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "secret1",
                "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=" + alias + ", O=Neurite test");
        return store;
    }

    private static String jdkTool(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", tool).toString());
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(tool + " " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }
}
