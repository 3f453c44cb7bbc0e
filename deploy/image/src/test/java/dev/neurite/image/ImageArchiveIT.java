package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core image's archive as an operator installs it: unpacked, started with bin/neurite,
 * configured through etc/, used (console, a job), and stopped with SIGTERM.
 */
@Timeout(300)
class ImageArchiveIT extends ImageTestSupport {

    /** The JVM's exit status after SIGTERM once its shutdown hooks (the framework's stop) have run. */
    static final int SIGTERM_EXIT = 128 + 15;

    /** Unpacks an image archive and returns its one top directory. */
    static Path unpack(Path archive, Path into) throws IOException, InterruptedException {
        untar(archive, into);
        try (Stream<Path> top = Files.list(into)) {
            List<Path> dirs = top.toList();
            assertEquals(1, dirs.size(), "one top directory in " + archive + ": " + dirs);
            String expected = archive.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
            assertEquals(expected, dirs.get(0).getFileName().toString(), "top directory of " + archive);
            return dirs.get(0);
        }
    }

    @Test
    void coreArchiveStartsThroughItsScriptServesAndStopsCleanlyOnSigterm() throws Exception {
        Path archive = RuntimeProcess.built("neurite.archive.core", "target/neurite-core.tar.gz");
        Path installDir = unpack(archive, temp.resolve("opt"));

        // The layout INSTALL.md promises, with the modes a service needs.
        assertEquals("rwxr-xr-x", mode(installDir.resolve("bin/neurite")), "bin/neurite");
        assertEquals("rw-r--r--", mode(installDir.resolve("neurite-core.jar")), "the jar");
        assertEquals("rw-r--r--", mode(installDir.resolve("systemd/neurite.service")), "the unit");
        assertTrue(Files.isRegularFile(installDir.resolve("INSTALL.md")), "INSTALL.md");
        assertTrue(Files.isDirectory(installDir.resolve("load")), "load/");
        try (Stream<Path> load = Files.list(installDir.resolve("load"))) {
            assertEquals(0, load.count(), "load/ ships empty");
        }
        assertTrue(Files.isRegularFile(installDir.resolve("etc/dev.neurite.jobs.cfg")), "etc/ defaults");

        Path datasets = datasets();
        RuntimeProcess rt = startInstalled(installDir, Map.of("neurite.data.dirs", datasets.toString()));
        Matcher ready = rt.awaitReady(READY_TIMEOUT);
        double startSeconds = (System.nanoTime() - rt.launchedNanos) / 1e9;
        // exec: the script's process became the JVM (so SIGTERM reaches it), with the vector module.
        String cmdline = Files.readString(Path.of("/proc", Long.toString(rt.pid()), "cmdline")).replace('\0', ' ');
        assertTrue(cmdline.contains("/bin/java ") && cmdline.contains("--add-modules jdk.incubator.vector")
                && cmdline.contains("-jar " + installDir.resolve("neurite-core.jar")), cmdline);

        // The broker port set in etc/ took effect: FileInstall reads the shipped directory.
        rt.await(0, Pattern.compile("embedded MQTT broker on 127\\.0\\.0\\.1:" + rt.mqttPort() + "$"), COMMAND_TIMEOUT);

        // The install directory is the runtime home: the console password and the framework cache are there.
        String password = ConsoleSecurityIT.generatedPassword(installDir);
        assertTrue(Files.isDirectory(installDir.resolve("felix-cache")), "felix-cache/ in the install directory");
        assertEquals(401, get(rt, ConsoleSecurityIT.BUNDLES, null, null), "console without credentials");
        assertEquals(200, get(rt, ConsoleSecurityIT.BUNDLES, "admin", password), "console with the generated password");

        // Idle footprint right after start-up, before any job warms anything up.
        Thread.sleep(3000);
        double rssMib = rt.rssKib() / 1024.0;

        String id = submit(rt, "neurite:train softmax-regression dataset=mnist/train epochs=1 name=archive-digits");
        String job = awaitJobState(rt, id, Duration.ofSeconds(150), "SUCCEEDED", "FAILED", "CANCELLED");
        assertEquals("SUCCEEDED", state(job), job);
        try (Stream<Path> models = Files.list(installDir.resolve("models"))) {
            assertTrue(models.findAny().isPresent(), "the model is stored under the install directory");
        }

        int beforeStop = rt.mark();
        int status = rt.terminate(Duration.ofSeconds(60));
        List<String> shutdown = rt.output().subList(beforeStop, rt.output().size());
        assertEquals(SIGTERM_EXIT, status, "exit status after SIGTERM; output:\n" + String.join("\n", shutdown));
        assertFalse(shutdown.stream().anyMatch(l -> l.contains("Exception") || l.startsWith("\tat ") || l.contains("SEVERE")),
                "a clean stop prints no errors:\n" + String.join("\n", shutdown));

        System.out.println(String.format(Locale.ROOT,
                "IMAGE-METRICS image=core via=bin/neurite start_s=%.2f ready_reported_s=%s idle_rss_mb=%.1f jar_mb=%.1f archive_mb=%.1f",
                startSeconds, ready.group(1), rssMib, mib(installDir.resolve("neurite-core.jar")), mib(archive)));
    }

    /** The full archive is the same runtime home around the full image's jar. */
    @Test
    void fullArchiveHasTheCoreLayoutAroundTheFullJar() throws Exception {
        Path core = unpack(RuntimeProcess.built("neurite.archive.core", "target/neurite-core.tar.gz"), temp.resolve("core"));
        Path full = unpack(RuntimeProcess.built("neurite.archive.full", "target/neurite-full.tar.gz"), temp.resolve("full"));
        assertEquals(listing(core).replace("neurite-core.jar", "neurite-full.jar"), listing(full));
        assertEquals(Files.size(RuntimeProcess.built("neurite.image.full", "target/neurite-full.jar")),
                Files.size(full.resolve("neurite-full.jar")), "the archived jar is the exported one");
        assertEquals("rwxr-xr-x", mode(full.resolve("bin/neurite")));
    }

    /** Every path under {@code dir} with its mode, one per line, sorted. */
    private static String listing(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p) + " " + uncheckedMode(p)).sorted().reduce("", (a, b) -> a + b + "\n");
        }
    }

    private static String uncheckedMode(Path p) {
        try {
            return mode(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The unit passes systemd's own checks where systemd is installed, and has what a safe service needs anyway. */
    @Test
    void systemdUnitIsValidAndHardened() throws Exception {
        Path archive = RuntimeProcess.built("neurite.archive.core", "target/neurite-core.tar.gz");
        Path installDir = unpack(archive, temp.resolve("opt"));
        Path unit = installDir.resolve("systemd/neurite.service");
        SystemdUnit parsed = SystemdUnit.parse(Files.readString(unit));

        String home = parsed.single("Service", "WorkingDirectory");
        assertEquals("/opt/neurite", home, "the install directory INSTALL.md uses");
        assertEquals(home + "/bin/neurite", parsed.single("Service", "ExecStart"));
        assertEquals("neurite", parsed.single("Service", "User"), "a dedicated user");
        assertEquals("on-failure", parsed.single("Service", "Restart"));
        assertEquals("yes", parsed.single("Service", "NoNewPrivileges"));
        assertEquals("strict", parsed.single("Service", "ProtectSystem"));
        assertTrue(parsed.all("Service", "ReadWritePaths").contains(home), "the runtime home is writable");
        assertTrue(parsed.all("Service", "SuccessExitStatus").contains(Integer.toString(SIGTERM_EXIT)), "SIGTERM's exit is a clean stop");
        assertEquals("multi-user.target", parsed.single("Install", "WantedBy"));
        assertTrue(parsed.single("Unit", "Description").length() > 0);

        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze)) {
            System.out.println("systemd-analyze not installed: the unit was checked by parsing only");
            return;
        }
        // verify also checks that ExecStart exists: point the unit at the unpacked copy.
        Path relocated = temp.resolve("neurite.service");
        Files.writeString(relocated, Files.readString(unit).replace("/opt/neurite", installDir.toString()));
        Process verify = new ProcessBuilder(analyze.toString(), "verify", relocated.toString()).redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = verify.waitFor();
        // It exits 0 despite some complaints (an unparsable value is "ignored"): any line about the unit fails too.
        assertEquals(0, status, output);
        assertFalse(output.lines().anyMatch(l -> l.contains("neurite.service")), output);
    }

    /**
     * etc/ documents each setting at its real default: every {@code #key=value} line names an
     * attribute of that PID's Metatype in the images' bundles, with that default, and nothing
     * is set (so the code's defaults apply until an operator changes a line).
     */
    @Test
    void shippedConfigurationDocumentsTheComponentsDefaults() throws Exception {
        Path installDir = unpack(RuntimeProcess.built("neurite.archive.core", "target/neurite-core.tar.gz"), temp.resolve("opt"));
        Map<String, Map<String, String>> defaults = new java.util.HashMap<>();
        for (String image : new String[] {"neurite.image", "neurite.image.full"}) {
            defaults.putAll(MetatypeDefaults.read(RuntimeProcess.built(image, "target/" + image + ".jar")));
        }
        List<Path> files;
        try (Stream<Path> etc = Files.list(installDir.resolve("etc"))) {
            files = etc.sorted().toList();
        }
        assertTrue(files.size() >= 7, "component configurations in etc/: " + files);
        Pattern setting = Pattern.compile("^#([A-Za-z][A-Za-z0-9]*)=(.*)$");
        for (Path file : files) {
            String pid = file.getFileName().toString().replaceFirst("\\.cfg$", "");
            assertTrue(file.getFileName().toString().endsWith(".cfg"), "only PID.cfg files in etc/: " + file);
            Map<String, String> metatype = defaults.get(pid);
            assertTrue(metatype != null, "no component in the images has PID " + pid + " (" + defaults.keySet() + ")");
            int documented = 0;
            for (String line : Files.readAllLines(file)) {
                assertFalse(line.matches("^\\s*[A-Za-z].*="), file + " sets a value; shipped settings stay commented: " + line);
                Matcher m = setting.matcher(line);
                if (m.matches()) {
                    documented++;
                    assertTrue(metatype.containsKey(m.group(1)), file + ": no attribute " + m.group(1) + " in " + metatype.keySet());
                    assertEquals(metatype.get(m.group(1)), m.group(2), file + ": default of " + m.group(1));
                }
            }
            assertTrue(documented > 0, file + " documents no setting");
        }
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    static double mib(Path file) throws IOException {
        return Files.size(file) / (1024.0 * 1024.0);
    }
}
