package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core image starts from nothing to ready, with every bundle active; and what that costs. */
@Timeout(180)
class ImageStartIT extends ImageTestSupport {

    @Test
    void coldStartReachesReadyWithEveryBundleActive() throws Exception {
        Path jar = RuntimeProcess.image();
        int packaged = packagedBundles(jar);
        Path home = temp.resolve("home");

        RuntimeProcess rt = start(home, Map.of());
        Matcher ready = rt.awaitReady(READY_TIMEOUT);
        double startSeconds = (System.nanoTime() - rt.launchedNanos) / 1e9;
        double reportedSeconds = Double.parseDouble(ready.group(1));
        int active = Integer.parseInt(ready.group(2));
        int fragments = Integer.parseInt(ready.group(3));
        // Every packaged bundle plus the system bundle is there, and none is short of ACTIVE (or RESOLVED for fragments).
        assertEquals(packaged + 1, active + fragments, "bundles in the ready line vs. bundles in the image");

        // Cross-check with the framework's own view, through the console (as an operator would see it).
        String password = ConsoleSecurityIT.generatedPassword(home);
        String json = send(rt, "/system/console/bundles.json", "admin", password).body();
        Matcher counts = Pattern.compile("\"s\":\\[(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)]").matcher(json);
        assertTrue(counts.find(), json);
        int total = Integer.parseInt(counts.group(1));
        assertEquals(packaged + 1, total, "bundles installed");
        assertEquals(total, Integer.parseInt(counts.group(2)) + Integer.parseInt(counts.group(3)), "active + fragments: " + counts.group());
        assertEquals(0, Integer.parseInt(counts.group(4)), "resolved but not started");
        assertEquals(0, Integer.parseInt(counts.group(5)), "installed but not resolved");

        // The console's DS plugin resolved and shows the runtime's components.
        String components = send(rt, "/system/console/components.json", "admin", password).body();
        for (String component : new String[] {"dev.neurite.runtime.jobs.JobManagerComponent",
                "dev.neurite.console.security.ConsoleLogin", "dev.neurite.readiness.Readiness"}) {
            assertTrue(Pattern.compile("\"name\":\"" + Pattern.quote(component) + "\",\"state\":\"active\"").matcher(components).find(),
                    component + " not active in " + components);
        }

        // Idle footprint: give the JIT and the start-up threads a moment to settle first.
        Thread.sleep(3000);
        double rssMib = rt.rssKib() / 1024.0;
        double jarMib = Files.size(jar) / (1024.0 * 1024.0);
        assertTrue(rt.isAlive());
        System.out.println(String.format(Locale.ROOT, "IMAGE-METRICS image=core start_s=%.2f ready_reported_s=%.2f rss_mb=%.1f jar_mb=%.1f bundles=%d",
                startSeconds, reportedSeconds, rssMib, jarMib, total));
        assertTrue(reportedSeconds <= startSeconds, "the JVM cannot have been up longer than the process");
    }

    /** Bundles the exporter embedded, from the launcher's own list. */
    private static int packagedBundles(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile()); InputStream in = file.getInputStream(file.getEntry("launcher.properties"))) {
            Properties launcher = new Properties();
            launcher.load(in);
            String bundles = launcher.getProperty("launch.bundles", "");
            assertTrue(!bundles.isBlank(), "launcher.properties lists no bundles");
            return bundles.split(",").length;
        }
    }
}
