package dev.neurite.runtime.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Expected SHA-256 sums from {@code SHA256SUMS} files (the {@code sha256sum} format:
 * hex digest, two spaces or space-asterisk, path relative to the list's directory).
 */
final class Checksums {

    static final String FILE_NAME = "SHA256SUMS";

    /** An expected digest and the list that declared it. */
    record Expected(String sha256, Path listedIn) {
    }

    private final Map<Path, Expected> byFile = new HashMap<>();

    /** Reads every SHA256SUMS in {@code dir} and its parent, the nearer list winning. */
    static Checksums near(Path dir) throws IOException {
        Checksums sums = new Checksums();
        Path parent = dir.getParent();
        if (parent != null) {
            sums.readList(parent.resolve(FILE_NAME));
        }
        sums.readList(dir.resolve(FILE_NAME));
        return sums;
    }

    private void readList(Path list) throws IOException {
        if (!Files.isRegularFile(list)) {
            return;
        }
        Path base = list.toAbsolutePath().getParent();
        for (String line : Files.readAllLines(list)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+\\*?", 2);
            if (parts.length == 2 && parts[0].matches("[0-9a-fA-F]{64}")) {
                byFile.put(base.resolve(parts[1].trim()).normalize(), new Expected(parts[0].toLowerCase(), list));
            }
        }
    }

    Optional<Expected> expected(Path file) {
        return Optional.ofNullable(byFile.get(file.toAbsolutePath().normalize()));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
