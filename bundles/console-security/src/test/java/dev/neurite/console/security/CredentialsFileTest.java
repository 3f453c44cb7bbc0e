package dev.neurite.console.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CredentialsFileTest {

    @TempDir
    Path home;

    @Test
    void generatesOnceThenReuses() throws Exception {
        Path file = home.resolve("etc/console-credentials");
        CredentialsFile.Loaded first = CredentialsFile.loadOrCreate(file, "admin");
        assertTrue(first.generated());
        assertTrue(first.password().length() >= 20, first.password());
        assertTrue(Files.readString(file).contains("password=" + first.password()));

        CredentialsFile.Loaded again = CredentialsFile.loadOrCreate(file, "admin");
        assertFalse(again.generated());
        assertEquals(first.password(), again.password());
        assertNotEquals(first.password(), CredentialsFile.loadOrCreate(home.resolve("other"), "admin").password());
        try (var left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "no temporary files left behind");
        }
    }

    @Test
    void fileAndNewDirectoryAreOwnerOnly() throws Exception {
        assumeTrue(CredentialsFile.posix(home));
        Path file = home.resolve("etc/console-credentials");
        CredentialsFile.loadOrCreate(file, "admin");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void looseningIsUndoneAndReported() throws Exception {
        assumeTrue(CredentialsFile.posix(home));
        Path file = home.resolve("console-credentials");
        CredentialsFile.loadOrCreate(file, "admin");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        CredentialsFile.Loaded loaded = CredentialsFile.loadOrCreate(file, "admin");
        assertTrue(loaded.tightened());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aFileWithoutPasswordIsAnError() throws Exception {
        Path file = home.resolve("console-credentials");
        Files.writeString(file, "# emptied by hand\n");
        assertThrows(java.io.IOException.class, () -> CredentialsFile.loadOrCreate(file, "admin"));
    }
}
