package dev.neurite.edge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * TLS with a client certificate against Mosquitto: a throwaway CA signs the broker's and the
 * device's certificates; the broker requires a client certificate. Skipped without
 * Mosquitto or OpenSSL.
 */
class TlsMosquittoTest {

    @TempDir
    Path dir;

    private void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + ": " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    private void certificate(String name, String subject, String extensions) throws Exception {
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-subj", subject,
                "-out", name + ".csr");
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-out", name + ".crt", "-extfile", name + ".ext");
    }

    @Test
    void connectsOverTlsWithAClientCertificate() throws Exception {
        MosquittoTest.requireTool(MosquittoTest.MOSQUITTO);
        MosquittoTest.requireTool(Path.of("/usr/bin/openssl"));
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=neurite-test-ca");
        certificate("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\n");
        certificate("device", "/CN=gw-tls", "extendedKeyUsage=clientAuth\n");
        run("openssl", "pkcs12", "-export", "-in", "device.crt", "-inkey", "device.key", "-out", "device.p12",
                "-passout", "pass:changeit");
        run("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "trust.p12",
                "-storetype", "PKCS12", "-storepass", "changeit");

        // Mosquitto started as root reads the certificates after dropping to its own user.
        for (Path p : List.of(dir, dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"))) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                    Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        int port = TestBroker.freePort();
        Files.writeString(dir.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + "cafile " + dir.resolve("ca.crt") + "\ncertfile " + dir.resolve("server.crt") + "\nkeyfile "
                + dir.resolve("server.key") + "\nrequire_certificate true\n");
        Process broker = new ProcessBuilder(MosquittoTest.MOSQUITTO.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (true) {
                try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                    break;
                } catch (java.io.IOException e) {
                    if (System.currentTimeMillis() > deadline || !broker.isAlive()) {
                        throw new AssertionError("mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.log")));
                    }
                    Thread.sleep(50);
                }
            }
            String uri = "ssl://127.0.0.1:" + port;
            char[] pass = "changeit".toCharArray();
            AgentSettings.Tls tls = new AgentSettings.Tls(dir.resolve("trust.p12"), pass, "PKCS12",
                    dir.resolve("device.p12"), pass, "PKCS12");
            try (AgentHarness h = new AgentHarness(dir.resolve("agent"), "gw-tls", uri, s -> withTls(s, tls))) {
                h.awaitConnected();
                assertEquals(uri, h.agent.status().broker());
            }

            // Without the client certificate the broker refuses the device.
            AgentSettings.Tls noClientCert = new AgentSettings.Tls(dir.resolve("trust.p12"), pass, "PKCS12", null, null, null);
            try (AgentHarness h = new AgentHarness(dir.resolve("agent2"), "gw-tls2", uri, s -> withTls(s, noClientCert))) {
                Thread.sleep(3_000);
                assertFalse(h.agent.isConnected());
            }
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static AgentSettings withTls(AgentSettings s, AgentSettings.Tls tls) {
        return new AgentSettings(s.deviceId(), s.topicRoot(), List.copyOf(s.brokerUris()), null, null, tls,
                s.keepAliveSeconds(), s.connectTimeoutSeconds(), s.cleanSession(), s.reconnectMinMillis(),
                s.reconnectMaxMillis(), s.fleetGroups(), s.outboxDirectory(), s.outboxMaxMessages(), s.outboxMaxBytes(),
                s.outboxFsync(), s.maxInflight(), s.maxPayloadBytes(), s.commandThreads(), s.rememberedIds(), 0,
                s.progressIntervalMillis());
    }
}
