package dev.neurite.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sign} produces jars that the JDK's own {@code jarsigner -verify} accepts; bad input changes nothing. */
class SignCommandTest {

    @TempDir
    Path dir;

    @Test
    void aSignedBundleVerifiesWithJarsigner() throws Exception {
        Path keys = dir.resolve("keys.p12");
        jdkTool("keytool", "-genkeypair", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", "secret1",
                "-alias", "release", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=release, O=Neurite test");
        Path jar = bundle(dir.resolve("b.jar"));
        Path signed = dir.resolve("b-signed.jar");

        int status = NeuriteDeploy.run("sign", jar.toString(), "--keystore", keys.toString(), "--alias", "release",
                "--storepass=secret1", "--out", signed.toString());
        assertEquals(0, status);
        String verify = jdkTool("jarsigner", "-verify", "-verbose", signed.toString());
        assertTrue(verify.contains("jar verified."), verify);
        try (JarFile f = new JarFile(signed.toFile())) {
            assertNotNull(f.getEntry("META-INF/RELEASE.SF"), "signature file named after the alias");
        }
    }

    @Test
    void aWrongAliasOrMissingJarIsAUsageErrorAndWritesNothing() throws Exception {
        Path keys = dir.resolve("keys.p12");
        jdkTool("keytool", "-genkeypair", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", "secret1",
                "-alias", "release", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30", "-dname", "CN=release");
        Path jar = bundle(dir.resolve("b.jar"));
        byte[] before = Files.readAllBytes(jar);
        assertEquals(2, NeuriteDeploy.run("sign", jar.toString(), "--keystore", keys.toString(), "--alias", "nobody",
                "--storepass=secret1"));
        assertEquals(2, NeuriteDeploy.run("sign", jar.toString(), "--keystore", keys.toString(), "--alias", "release",
                "--storepass=wrong"));
        assertEquals(2, NeuriteDeploy.run("sign", dir.resolve("missing.jar").toString(), "--keystore", keys.toString(),
                "--alias", "release", "--storepass=secret1"));
        assertTrue(Arrays.equals(before, Files.readAllBytes(jar)));
    }

    static Path bundle(Path file) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "test.sign");
        a.putValue("Bundle-Version", "1.0.0");
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry("readme.txt"));
            jar.write("signed content".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return file;
    }

    static String jdkTool(String tool, String... args) throws IOException, InterruptedException {
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
