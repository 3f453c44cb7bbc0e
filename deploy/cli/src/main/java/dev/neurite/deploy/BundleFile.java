package dev.neurite.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/** A bundle jar read from disk, with the identity and checksum the devices check it by. */
record BundleFile(Path path, byte[] bytes, String symbolicName, String version, String sha256) {

    /** Reads and checks a bundle; the message of the exception says what is wrong with it. */
    static BundleFile read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file");
        }
        byte[] bytes = Files.readAllBytes(path);
        Manifest manifest;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes))) {
            manifest = in.getManifest();
        }
        String bsn = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
        if (bsn == null) {
            throw new IOException(path + ": not an OSGi bundle (no Bundle-SymbolicName in its manifest)");
        }
        int semicolon = bsn.indexOf(';');
        String version = manifest.getMainAttributes().getValue("Bundle-Version");
        return new BundleFile(path, bytes, (semicolon < 0 ? bsn : bsn.substring(0, semicolon)).trim(),
                version == null ? "0.0.0" : version.trim(), sha256(bytes));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
