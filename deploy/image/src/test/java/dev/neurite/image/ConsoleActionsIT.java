package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's state-changing requests over plain HTTP, as another site's page or a script
 * would send them: without the session's CSRF token nothing happens, and bad form values are
 * refused field by field.
 */
@Timeout(240)
class ConsoleActionsIT extends ImageTestSupport {

    @Test
    void startAndCancelNeedTheSessionTokenAndValidValues() throws Exception {
        Path home = temp.resolve("home");
        RuntimeProcess rt = start(home, Map.of("neurite.data.dirs", datasets().toString()));
        rt.awaitReady(READY_TIMEOUT);
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + ConsoleSecurityIT.generatedPassword(home))
                .getBytes(StandardCharsets.UTF_8));
        HttpClient session = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
        String jobs = "http://127.0.0.1:" + rt.port + "/system/console/neurite-jobs";

        HttpResponse<String> page = session.send(HttpRequest.newBuilder(URI.create(jobs)).header("Authorization", auth).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        Matcher token = Pattern.compile("name='csrf' value='([^']+)'").matcher(page.body());
        assertTrue(token.find(), "no CSRF field on the Jobs page");

        Map<String, String> start = new LinkedHashMap<>();
        start.put("action", "start");
        start.put("algorithm", "softmax-regression");
        start.put("dataset", "mnist/train");
        start.put("hp.epochs", "1");
        // Logged in, but without the token: refused, nothing queued.
        HttpResponse<String> forged = post(session, jobs, auth, start);
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains("CSRF"), forged.body());
        // The token of this session in another client (no session cookie): refused as well.
        Map<String, String> withToken = new LinkedHashMap<>(start);
        withToken.put("csrf", token.group(1));
        assertEquals(403, post(HttpClient.newHttpClient(), jobs, auth, withToken).statusCode());
        assertNoJobs(rt);

        Map<String, String> bad = new LinkedHashMap<>(withToken);
        bad.put("hp.epochs", "0");
        bad.put("hp.learningRate", "fast");
        HttpResponse<String> refused = post(session, jobs, auth, bad);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("epochs: &#39;0&#39; is outside [1, 10000]"), refused.body());
        assertTrue(refused.body().contains("learningRate: expected a number, got &#39;fast&#39;"), refused.body());
        assertNoJobs(rt);

        HttpResponse<String> started = post(session, jobs, auth, withToken);
        assertEquals(303, started.statusCode(), started.body());
        Matcher id = Pattern.compile("\\?job=(job-\\S+)").matcher(started.headers().firstValue("Location").orElse(""));
        assertTrue(id.find(), started.headers().toString());
        String job = awaitJobState(rt, id.group(1), Duration.ofSeconds(150), "SUCCEEDED", "FAILED", "CANCELLED");
        assertEquals("SUCCEEDED", state(job), job);
    }

    private static void assertNoJobs(RuntimeProcess rt) throws InterruptedException {
        String answer = rt.shell("neurite:jobs", COMMAND_TIMEOUT);
        assertTrue(answer.contains("no jobs") && !answer.contains("job-"), "a job was queued:\n" + answer);
    }

    private static HttpResponse<String> post(HttpClient client, String url, String auth, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
