package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Web Console never lets admin/admin in: only the generated or the configured credentials work. */
@Timeout(240)
class ConsoleSecurityIT extends ImageTestSupport {

    static final String BUNDLES = "/system/console/bundles";
    static final String CREDENTIALS = "etc/console-credentials";

    /** Reads the generated password, checking first that only its owner can read the file. */
    static String generatedPassword(Path home) throws IOException {
        Path file = home.resolve(CREDENTIALS);
        assertTrue(Files.isRegularFile(file), "no generated credentials at " + file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "permissions of " + file);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        String password = properties.getProperty("password", "");
        assertTrue(password.length() >= 16, "generated password too short: '" + password + "'");
        return password;
    }

    @Test
    void generatedPasswordIsTheOnlyWayInAndSurvivesRestarts() throws Exception {
        Path home = temp.resolve("home");
        RuntimeProcess rt = start(home, Map.of());
        rt.awaitReady(READY_TIMEOUT);
        String password = generatedPassword(home);
        assertEquals(1, rt.output().stream().filter(l -> l.contains(password)).count(), "printed exactly once on first start");

        assertEquals(401, get(rt, BUNDLES, null, null), "no credentials");
        assertEquals(401, get(rt, BUNDLES, "admin", "admin"), "the console's default login");
        assertEquals(401, get(rt, BUNDLES, "admin", password + "x"), "wrong password");
        assertEquals(401, get(rt, BUNDLES, "root", password), "wrong user");
        assertEquals(200, get(rt, BUNDLES, "admin", password), "generated credentials");

        // Without the provider the console is not served at all: there is no moment, at
        // start-up or later, in which its own admin/admin login could answer.
        long bundle = bundleId(rt, "dev.neurite.console.security");
        rt.shell("stop " + bundle, COMMAND_TIMEOUT);
        assertEquals(404, awaitStatus(rt, BUNDLES, "admin", "admin", 404, Duration.ofSeconds(10)), "console while the provider is stopped");
        assertEquals(404, get(rt, BUNDLES, "admin", password));
        rt.shell("start " + bundle, COMMAND_TIMEOUT);
        assertEquals(200, awaitStatus(rt, BUNDLES, "admin", password, 200, Duration.ofSeconds(10)), "console back with the provider");
        assertEquals(401, get(rt, BUNDLES, "admin", "admin"));

        // A hard kill and a restart keep the password, and do not print it again.
        rt.kill();
        String fileBefore = Files.readString(home.resolve(CREDENTIALS));
        RuntimeProcess again = start(home, Map.of());
        again.awaitReady(READY_TIMEOUT);
        assertEquals(fileBefore, Files.readString(home.resolve(CREDENTIALS)), "the credentials file is reused as is");
        assertFalse(again.output().stream().anyMatch(l -> l.contains(password)), "the password is shown only when generated");
        assertEquals(200, get(again, BUNDLES, "admin", password));
        assertEquals(401, get(again, BUNDLES, "admin", "admin"));
    }

    @Test
    void configuredCredentialsApplyFromTheFirstStartAndCanChangeLive() throws Exception {
        Path home = temp.resolve("home");
        String password = randomPassword();
        Path cfg = home.resolve("load/dev.neurite.console.cfg");
        Files.createDirectories(cfg.getParent());
        Files.writeString(cfg, "username=ops\npassword=" + sha256Form(password) + "\n");

        RuntimeProcess rt = start(home, Map.of());
        rt.awaitReady(READY_TIMEOUT);
        // The configuration was there before the login component started: nothing was generated.
        assertFalse(Files.exists(home.resolve(CREDENTIALS)), "a password was generated although one was configured");
        assertFalse(rt.output().stream().anyMatch(l -> l.contains("generated password")));

        assertEquals(200, get(rt, BUNDLES, "ops", password), "configured {sha-256} credentials");
        assertEquals(401, get(rt, BUNDLES, "admin", "admin"));
        assertEquals(401, get(rt, BUNDLES, "admin", password), "the configured user name counts too");
        assertEquals(401, get(rt, BUNDLES, "ops", sha256Form(password)), "the hash itself is not the password");
        assertEquals(401, get(rt, BUNDLES, null, null));

        // Edit the file while running (FileInstall polls it): a plain password replaces the old one.
        String changed = randomPassword();
        Files.writeString(cfg, "username=ops\npassword=" + changed + "\n");
        assertEquals(200, awaitStatus(rt, BUNDLES, "ops", changed, 200, Duration.ofSeconds(20)), "the changed password");
        assertEquals(401, get(rt, BUNDLES, "ops", password), "the old password after the change");
        assertEquals(401, get(rt, BUNDLES, "admin", "admin"));
    }

    /** The id of the bundle with this symbolic name, from Gogo's {@code lb -s}. */
    static long bundleId(RuntimeProcess rt, String symbolicName) throws InterruptedException {
        String listing = rt.shell("lb -s", COMMAND_TIMEOUT);
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|\\w+\\s*\\|\\s*\\d+\\|" + Pattern.quote(symbolicName) + "\\b").matcher(listing);
        assertTrue(m.find(), "no bundle " + symbolicName + " in\n" + listing);
        return Long.parseLong(m.group(1));
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sha256Form(String password) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        return "{sha-256}" + Base64.getEncoder().encodeToString(digest);
    }
}
