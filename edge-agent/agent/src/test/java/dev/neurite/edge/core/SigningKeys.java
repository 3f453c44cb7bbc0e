package dev.neurite.edge.core;

import jdk.security.jarsigner.JarSigner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * Signing keys made at test time with the JDK's keytool (no key material is kept in the
 * repository), a trust store holding their certificates, and jars signed with them.
 */
final class SigningKeys {

    static final char[] PASSWORD = "changeit".toCharArray();

    private SigningKeys() {
    }

    /** A key store {@code name.p12} with one self-signed EC key pair under {@code alias}. */
    static Path keyPair(Path dir, String name, String alias) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD),
                "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=" + alias + ", O=Neurite test");
        return store;
    }

    /** A trust store {@code name.p12} with the certificate of {@code alias} from {@code keys}. */
    static Path trustStore(Path dir, String name, Path keys, String alias) throws IOException, InterruptedException {
        Path cert = dir.resolve(name + "-" + alias + ".pem");
        keytool("-exportcert", "-rfc", "-keystore", keys.toString(), "-storepass", new String(PASSWORD), "-alias", alias,
                "-file", cert.toString());
        Path store = dir.resolve(name + ".p12");
        keytool("-importcert", "-noprompt", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass",
                new String(PASSWORD), "-alias", alias, "-file", cert.toString());
        return store;
    }

    /** {@code jar} signed with the key {@code alias} of {@code keys}, through the JDK's signing API. */
    static byte[] sign(byte[] jar, Path keys, String alias, Path scratch) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            store.load(in, PASSWORD);
        }
        PrivateKey key = (PrivateKey) store.getKey(alias, PASSWORD);
        var chain = CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(store.getCertificateChain(alias)));
        Path unsigned = Files.createTempFile(scratch, "unsigned", ".jar");
        Files.write(unsigned, jar);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile zip = new ZipFile(unsigned.toFile())) {
            new JarSigner.Builder(key, chain).digestAlgorithm("SHA-256").build().sign(zip, out);
        }
        return out.toByteArray();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
