package dev.neurite.console.security;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;

/**
 * The generated console password, kept in a file only its owner can read (POSIX 0600, its
 * directory 0700 when this code creates it). The file is written under a temporary name
 * that is created with those permissions, then renamed into place: there is never a moment
 * where the password sits in a file others can read, or a half-written file.
 */
final class CredentialsFile {

    static final String PASSWORD_KEY = "password";
    static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    /**
     * The password read from (or just written to) the file.
     *
     * @param generated  whether this call created the file
     * @param tightened  whether the file was readable by others and its permissions were reset
     */
    record Loaded(String password, boolean generated, boolean tightened) {
    }

    private CredentialsFile() {
    }

    /** Reads the password from {@code file}, creating the file with a new random password if it is missing. */
    static Loaded loadOrCreate(Path file, String username) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        String password = randomPassword();
        write(file, username, password);
        return new Loaded(password, true, false);
    }

    /** 18 random bytes: 144 bits, 24 URL-safe characters that need no quoting anywhere. */
    static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean posix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static Loaded read(Path file) throws IOException {
        boolean tightened = false;
        if (posix(file)) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                // Someone loosened it (a copy, a restore from backup): close it again before use.
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                tightened = true;
            }
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        String password = properties.getProperty(PASSWORD_KEY, "").trim();
        if (password.isEmpty()) {
            throw new IOException(file + " holds no '" + PASSWORD_KEY + "'; delete it to have a new password generated");
        }
        return new Loaded(password, false, tightened);
    }

    private static void write(Path file, String username, String password) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = posix(dir);
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } else {
                Files.createDirectories(dir);
            }
        }
        Path temp = posix
                ? Files.createTempFile(dir, ".console-credentials.", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, ".console-credentials.", ".tmp");
        try {
            if (!posix) {
                // Best effort where POSIX permissions do not exist (e.g. Windows): owner only.
                temp.toFile().setReadable(false, false);
                temp.toFile().setReadable(true, true);
                temp.toFile().setWritable(false, false);
                temp.toFile().setWritable(true, true);
            }
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                out.write("# Neurite Web Console password, generated " + Instant.now() + ". Keep this file owner-only.\n");
                out.write("# Log in as user '" + username + "' (the 'username' of configuration "
                        + ConsoleLogin.PID + ", default admin).\n");
                out.write("# To choose your own password, set 'password' in configuration " + ConsoleLogin.PID
                        + " (for example in load/" + ConsoleLogin.PID + ".cfg); this file is then ignored.\n");
                out.write(PASSWORD_KEY + "=" + password + "\n");
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
