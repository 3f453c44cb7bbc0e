package dev.neurite.image;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Starting images in temporary homes, and the HTTP and shell helpers the tests share. */
abstract class ImageTestSupport {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern STATE = Pattern.compile("(?m)^state:\\s+(\\w+) - (.*)$");

    @TempDir
    Path temp;

    private final List<RuntimeProcess> started = new ArrayList<>();
    private String testName;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getTestClass().map(Class::getSimpleName).orElse("test") + "-"
                + info.getTestMethod().map(m -> m.getName()).orElse("run");
    }

    /** Every runtime a test starts is killed afterwards, whatever happened. */
    @AfterEach
    void killAll() throws InterruptedException {
        for (RuntimeProcess p : started) {
            p.close();
        }
    }

    RuntimeProcess start(Path home, Map<String, String> properties) throws IOException {
        return start(RuntimeProcess.image(), home, properties);
    }

    /** Starts another image than the default (core) one, e.g. the full image. */
    RuntimeProcess start(Path jar, Path home, Map<String, String> properties) throws IOException {
        RuntimeProcess p = RuntimeProcess.start(jar, home, nextLogName(), properties);
        started.add(p);
        return p;
    }

    /** Starts an unpacked archive through its bin/neurite. */
    RuntimeProcess startInstalled(Path installDir, Map<String, String> properties) throws IOException {
        RuntimeProcess p = RuntimeProcess.startInstalled(installDir, nextLogName(), properties);
        started.add(p);
        return p;
    }

    private String nextLogName() {
        return testName + "-" + (started.size() + 1);
    }

    /** Unpacks a .tar.gz with the system's tar, which keeps the archive's file modes. */
    static void untar(Path archive, Path into) throws IOException, InterruptedException {
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tar.waitFor() == 0, "tar -xzf " + archive + " failed: " + output);
    }

    static Path datasets() {
        String configured = System.getProperty("neurite.datasets");
        assertTrue(configured != null, "system property neurite.datasets is not set");
        Path dir = Path.of(configured).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(dir.resolve("mnist/train-images-idx3-ubyte.gz")),
                "the MNIST files are missing under " + dir + " (neurite.datasets)");
        return dir;
    }

    /** The status code of a GET, with Basic credentials when {@code user} is not null. */
    int get(RuntimeProcess rt, String path, String user, String password) throws IOException, InterruptedException {
        return send(rt, path, user, password).statusCode();
    }

    HttpResponse<String> send(RuntimeProcess rt, String path, String user, String password) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port + path))
                .timeout(Duration.ofSeconds(20)).GET();
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls until the GET answers {@code expected}; returns the last status seen. */
    int awaitStatus(RuntimeProcess rt, String path, String user, String password, int expected, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int status;
        do {
            status = get(rt, path, user, password);
            if (status == expected) {
                return status;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return status;
    }

    /** Submits a job through Gogo and returns its id. */
    static String submit(RuntimeProcess rt, String trainCommand) throws InterruptedException {
        String answer = rt.shell(trainCommand, COMMAND_TIMEOUT);
        Matcher m = Pattern.compile("submitted (job-\\S+)").matcher(answer);
        if (!m.find()) {
            fail("the job was not accepted: " + answer);
        }
        return m.group(1);
    }

    /** Polls {@code neurite:job id} until the job is in one of {@code states}; returns the whole answer. */
    static String awaitJobState(RuntimeProcess rt, String id, Duration timeout, String... states) throws InterruptedException {
        return awaitJob(rt, id, timeout, answer -> List.of(states).contains(state(answer)));
    }

    /** Polls {@code neurite:job id} until {@code done} accepts the answer; returns that answer. */
    static String awaitJob(RuntimeProcess rt, String id, Duration timeout, Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String answer = "";
        while (System.nanoTime() < deadline) {
            answer = rt.shell("neurite:job " + id, COMMAND_TIMEOUT);
            if (done.test(answer)) {
                return answer;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("job " + id + " did not get there within " + timeout.toSeconds() + " s; last answer:\n" + answer);
    }

    static String state(String jobAnswer) {
        Matcher m = STATE.matcher(jobAnswer);
        return m.find() ? m.group(1) : "";
    }

    static String reason(String jobAnswer) {
        Matcher m = STATE.matcher(jobAnswer);
        return m.find() ? m.group(2) : "";
    }
}
