package dev.neurite.image;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of an exported image: {@code java -jar neurite-core.jar} (or another image) in a home
 * directory, or an installed archive's {@code bin/neurite}, with
 * stdout and stderr collected line by line (and copied to a log file for post-mortems) and
 * stdin open for Gogo commands. The Gogo shell reads {@code System.in} directly, so piping
 * lines into it works without a terminal.
 */
final class RuntimeProcess implements AutoCloseable {

    static final Pattern READY = Pattern.compile("Neurite ready in ([0-9.]+) s: (\\d+) bundles active, (\\d+) fragments resolved");
    private static final String PROMPT = "g! ";
    private static final AtomicInteger MARKERS = new AtomicInteger();

    final Path home;
    final int port;
    final long launchedNanos;
    private final Process process;
    private final PrintWriter stdin;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private RuntimeProcess(Path home, int port, Process process, Path log, long launchedNanos) throws IOException {
        this.home = home;
        this.port = port;
        this.process = process;
        this.launchedNanos = launchedNanos;
        this.stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Files.createDirectories(log.getParent());
        Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        this.reader = new Thread(() -> pump(logWriter), "runtime-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the image in {@code home} with an HTTP port of its own and the given system properties. */
    static RuntimeProcess start(Path home, String logName, Map<String, String> properties) throws IOException {
        return start(image(), home, logName, properties);
    }

    /** Starts {@code jar} with {@code java -jar} in {@code home}. */
    static RuntimeProcess start(Path jar, Path home, String logName, Map<String, String> properties) throws IOException {
        Files.createDirectories(home);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options(home, properties));
        command.add("-jar");
        command.add(jar.toString());
        return launch(new ProcessBuilder(command).directory(home.toFile()), home, logName);
    }

    /**
     * Starts an unpacked image archive the way an operator does: {@code bin/neurite} with the
     * properties as JVM options, this JVM's JDK as {@code JAVA_HOME}, and a working directory
     * outside the install directory (the script must find its home by itself).
     */
    static RuntimeProcess startInstalled(Path installDir, String logName, Map<String, String> properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(installDir.resolve("bin/neurite").toString());
        command.addAll(options(installDir, properties));
        ProcessBuilder builder = new ProcessBuilder(command).directory(installDir.getParent().toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        return launch(builder, installDir, logName);
    }

    /** The -D options every test runtime gets: its own HTTP port and temp directory, then {@code properties}. */
    private static List<String> options(Path home, Map<String, String> properties) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("org.osgi.service.http.port", Integer.toString(freePort()));
        // The launcher and FileInstall unpack into the temp directory; keep that inside the
        // test's home so a killed runtime leaves nothing behind in the machine's /tmp.
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        all.put("java.io.tmpdir", tmp.toString());
        all.putAll(properties);
        List<String> options = new ArrayList<>();
        all.forEach((k, v) -> options.add("-D" + k + "=" + v));
        return options;
    }

    private static RuntimeProcess launch(ProcessBuilder builder, Path home, String logName) throws IOException {
        int port = -1;
        for (String arg : builder.command()) {
            if (arg.startsWith("-Dorg.osgi.service.http.port=")) {
                port = Integer.parseInt(arg.substring(arg.indexOf('=') + 1));
            }
        }
        ownBroker(home, logName);
        builder.redirectErrorStream(true);
        long launched = System.nanoTime();
        Process process = builder.start();
        Path log = Path.of(System.getProperty("neurite.it.logs", "target/it-logs")).resolve(logName + ".log");
        return new RuntimeProcess(home, port, process, log, launched);
    }

    /**
     * Gives each runtime its own embedded MQTT broker port (the default 1883 may be taken on a
     * shared machine) through the configuration files an operator would use: load/, or etc/
     * of an installed archive.
     */
    private static void ownBroker(Path home, String deviceId) throws IOException {
        Path config = configDirectory(home);
        Path broker = config.resolve("dev.neurite.edge.broker.cfg");
        // Kept when already set: a restarted runtime finds its broker where it was.
        if (Files.exists(broker) && (config.endsWith("load") || Files.readAllLines(broker).stream().anyMatch(l -> l.startsWith("port=")))) {
            return;
        }
        int port = freePort();
        // An installed archive ships these files in etc/ (settings commented out): they are
        // edited there, as an operator would, so no PID is configured from two files.
        Files.writeString(config.resolve("dev.neurite.edge.agent.cfg"), "deviceId=" + deviceId.replaceAll("[^A-Za-z0-9._-]", "-")
                + "\nbrokerUris=tcp://127.0.0.1:" + port + "\nmetricsIntervalSeconds=2\nprogressIntervalMillis=200\n");
        Files.writeString(broker, "port=" + port + "\npersistence=false\n");
    }

    /** etc/ in an installed archive (it ships the component configurations), else load/. */
    private static Path configDirectory(Path home) throws IOException {
        Path etc = home.resolve("etc");
        if (Files.isRegularFile(etc.resolve("dev.neurite.edge.broker.cfg"))) {
            return etc;
        }
        return Files.createDirectories(home.resolve("load"));
    }

    /** The MQTT device id this runtime's agent was given. */
    String deviceId() throws IOException {
        for (String line : Files.readAllLines(configDirectory(home).resolve("dev.neurite.edge.agent.cfg"))) {
            if (line.startsWith("deviceId=")) {
                return line.substring(9).trim();
            }
        }
        throw new IOException("no device id configured in " + home);
    }

    /** The port of this runtime's embedded broker. */
    int mqttPort() throws IOException {
        for (String line : Files.readAllLines(configDirectory(home).resolve("dev.neurite.edge.broker.cfg"))) {
            if (line.startsWith("port=")) {
                return Integer.parseInt(line.substring(5).trim());
            }
        }
        throw new IOException("no broker port configured in " + home);
    }

    static Path image() {
        return built("neurite.image", "target/neurite-core.jar");
    }

    /** A file the package phase made, named by the system property {@code key}. */
    static Path built(String key, String fallback) {
        Path file = Path.of(System.getProperty(key, fallback));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no " + file.toAbsolutePath() + " (" + key + "); run the package phase first");
        }
        return file;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private void pump(Writer log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             log) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                // The prompt has no newline of its own, so it prefixes the next output line.
                while (line.startsWith(PROMPT)) {
                    line = line.substring(PROMPT.length());
                }
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process died; waiters time out with the output so far.
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Lines so far. */
    List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    int mark() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Waits for a line at or after index {@code from} that matches; fails with the output on timeout. */
    Matcher await(int from, Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int next = from;
            while (true) {
                for (; next < lines.size(); next++) {
                    Matcher m = pattern.matcher(lines.get(next));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && next >= lines.size())) {
                    throw new AssertionError("no line matching /" + pattern + "/ within " + timeout.toSeconds() + " s"
                            + (process.isAlive() ? "" : " (the runtime exited with " + process.exitValue() + ")")
                            + "; output:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for the ready line and returns it. */
    Matcher awaitReady(Duration timeout) throws InterruptedException {
        return await(0, READY, timeout);
    }

    /** Sends one line to the Gogo shell. */
    void send(String line) {
        stdin.println(line);
        if (stdin.checkError()) {
            throw new AssertionError("cannot write to the runtime's stdin (it exited?)");
        }
    }

    /**
     * Runs a Gogo command and returns what it printed: the command is followed by an
     * {@code echo} of a unique marker, and everything before the marker is the answer.
     */
    String shell(String command, Duration timeout) throws InterruptedException {
        String marker = "end-of-command-" + MARKERS.incrementAndGet();
        int from = mark();
        send(command);
        send("echo " + marker);
        await(from, Pattern.compile("^" + Pattern.quote(marker) + "$"), timeout);
        synchronized (lines) {
            List<String> answer = new ArrayList<>();
            for (int i = from; i < lines.size(); i++) {
                if (lines.get(i).equals(marker)) {
                    break;
                }
                answer.add(lines.get(i));
            }
            return String.join("\n", answer);
        }
    }

    /** Resident set size from /proc, in KiB. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    /** SIGTERM (destroy on Linux); returns the exit status once the process is gone. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("runtime " + process.pid() + " still running " + timeout.toSeconds() + " s after SIGTERM");
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** SIGKILL (destroyForcibly on Linux), and wait until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("runtime " + process.pid() + " survived SIGKILL for 30 s");
        }
        reader.join(5000);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
