package dev.neurite.webconsole;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.neurite.api.algorithm.Hyperparameter;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.data.DatasetInfo;
import dev.neurite.api.data.DatasetRegistry;
import dev.neurite.api.job.JobEvents;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobProgress;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.osgi.service.event.Event;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class JobsPluginTest {

    private static final String PAGE = "/" + JobsPlugin.LABEL;

    private final JobManager jobs = mock(JobManager.class);
    private final DatasetRegistry datasets = mock(DatasetRegistry.class);
    private final ProgressHistory history = new ProgressHistory();
    private final Browser browser = new Browser();
    private JobsPlugin plugin;

    static TrainingAlgorithm algorithm(String name, String description, List<Hyperparameter> hyperparameters) {
        TrainingAlgorithm a = mock(TrainingAlgorithm.class);
        when(a.name()).thenReturn(name);
        when(a.version()).thenReturn("1.0.0");
        when(a.description()).thenReturn(description);
        when(a.hyperparameters()).thenReturn(hyperparameters);
        return a;
    }

    static JobInfo job(String id, String algorithm, JobState state, String reason, JobProgress progress) {
        return new JobInfo(id, new JobRequest(algorithm, "mnist/train", "mnist/test", null, Map.of(), 1, null, null), "1.0.0",
                state, reason, Instant.parse("2026-11-23T10:00:00Z"), null, null, progress, null, 0, "java:cpu:0");
    }

    @BeforeEach
    void setUp() {
        when(datasets.list()).thenReturn(List.of(new DatasetInfo("mnist/train", "data/mnist", "idx", true),
                new DatasetInfo("mnist/test", "data/mnist", "idx", true), new DatasetInfo("blobs/train", "generated", "generated", false)));
        when(jobs.list()).thenReturn(List.of());
        plugin = new JobsPlugin(jobs, datasets, history);
        plugin.addAlgorithm(algorithm("softmax-regression", "Multinomial logistic regression.", List.of(
                Hyperparameter.ofInt("epochs", 3, 1, 10_000, "passes over the training data"),
                Hyperparameter.ofDouble("learningRate", 0.1, 1e-6, 10, "SGD step size"),
                Hyperparameter.ofChoice("schedule", "constant", List.of("constant", "cosine"), "learning-rate schedule"))));
    }

    private String page(String... params) throws Exception {
        Browser.Exchange get = browser.get(PAGE, params);
        plugin.renderContent(get.request, get.response);
        return get.body();
    }

    private Browser.Exchange postWithToken(String... params) throws Exception {
        String token = Browser.token(page());
        Browser.Exchange post = browser.post(PAGE, params).param("csrf", token);
        plugin.doPost(post.request, post.response);
        return post;
    }

    @Test
    void theStartFormIsBuiltFromTheDeclaredHyperparameters() throws Exception {
        String html = page();
        assertTrue(html.contains("<input type='number' name='hp.epochs' value='3' min='1' max='10000' step='1'"), html);
        assertTrue(html.contains("name='hp.learningRate' value='0.1' min='1.0E-6' max='10' step='any'"), html);
        assertTrue(html.contains("<select name='hp.schedule'"), html);
        assertTrue(html.contains("<option value='cosine'>cosine</option>"), html);
        assertTrue(html.contains("SGD step size"), html);
        assertTrue(html.contains("<option selected value='mnist/train'>mnist/train</option>"), html);
        assertTrue(html.contains("<option value='blobs/train'>blobs/train</option>"), html);
    }

    @Test
    void aValidFormStartsTheJobAndShowsItsChart() throws Exception {
        when(jobs.submit(any())).thenAnswer(i -> job("job-1", "softmax-regression", JobState.QUEUED, null, null));
        Browser.Exchange post = postWithToken("action", "start", "algorithm", "softmax-regression", "dataset", "mnist/train",
                "testDataset", "", "hp.epochs", "2", "hp.learningRate", "", "hp.schedule", "cosine", "seed", "7",
                "modelName", "digits", "accelerator", "");
        assertEquals(303, post.status, post.body());
        assertEquals("/system/console/neurite-jobs?job=job-1", post.headers.get("Location"));
        ArgumentCaptor<JobRequest> request = ArgumentCaptor.forClass(JobRequest.class);
        verify(jobs).submit(request.capture());
        JobRequest r = request.getValue();
        assertEquals("softmax-regression", r.algorithm());
        assertEquals("mnist/train", r.trainDataset());
        assertEquals("mnist/test", r.testDataset(), "the matching test set by default");
        assertEquals(Map.of("epochs", "2", "schedule", "cosine"), r.hyperparameters(), "empty fields take the default");
        assertEquals(7, r.seed());
        assertEquals("digits", r.modelName());
        assertNull(r.accelerator());
    }

    @Test
    void aPostWithoutTheTokenIsRefusedAndStartsNothing() throws Exception {
        page(); // the session and its token exist, but the request does not carry it
        Browser.Exchange post = browser.post(PAGE, "action", "start", "algorithm", "softmax-regression", "dataset", "mnist/train");
        plugin.doPost(post.request, post.response);
        assertEquals(403, post.status);
        assertTrue(post.body().contains("missing or invalid CSRF token"), post.body());
        verify(jobs, never()).submit(any());
    }

    @Test
    void aTokenFromAnotherSessionIsRefused() throws Exception {
        String token = Browser.token(page());
        browser.forgetSession();
        Browser.Exchange post = browser.post(PAGE, "action", "cancel", "job", "job-1", "csrf", token);
        plugin.doPost(post.request, post.response);
        assertEquals(403, post.status);
        Browser.Exchange wrong = new Browser().post(PAGE, "action", "cancel", "job", "job-1", "csrf", token + "x");
        plugin.doPost(wrong.request, wrong.response);
        assertEquals(403, wrong.status);
        verify(jobs, never()).cancel(anyString(), anyString());
    }

    @Test
    void aTokenHandedToOneUserIsRefusedForAnotherInTheSameSession() throws Exception {
        String token = Browser.token(page());
        browser.as("operator");
        Browser.Exchange post = browser.post(PAGE, "action", "cancel", "job", "job-1", "csrf", token);
        plugin.doPost(post.request, post.response);
        assertEquals(403, post.status);
        verify(jobs, never()).cancel(anyString(), anyString());
    }

    @Test
    void badFormInputIsReportedFieldByFieldAndStartsNothing() throws Exception {
        Browser.Exchange post = postWithToken("action", "start", "algorithm", "softmax-regression", "dataset", "nope/train",
                "hp.epochs", "abc", "hp.learningRate", "99", "hp.schedule", "weekly", "hp.momentum", "0.9", "seed", "x",
                "modelName", "../etc");
        assertEquals(400, post.status);
        String body = post.body();
        for (String expected : List.of("dataset: no dataset named &#39;nope/train&#39;", "epochs: expected an integer, got &#39;abc&#39;",
                "learningRate: &#39;99&#39; is outside [1.0E-6, 10.0]", "schedule: expected one of [constant, cosine]",
                "momentum: unknown hyperparameter", "seed: expected an integer", "modelName: 1-64 of letters")) {
            assertTrue(body.contains(expected), expected + " missing in\n" + body);
        }
        verify(jobs, never()).submit(any());

        Browser.Exchange unknown = postWithToken("action", "start", "algorithm", "no-such-rule", "dataset", "mnist/train");
        assertEquals(400, unknown.status);
        assertTrue(unknown.body().contains("no algorithm named &#39;no-such-rule&#39; is installed"), unknown.body());
        verify(jobs, never()).submit(any());
    }

    @Test
    void aRequestTheJobManagerRefusesIsReported() throws Exception {
        when(jobs.submit(any())).thenThrow(new dev.neurite.api.job.InvalidRequestException("model", "cannot train this"));
        Browser.Exchange post = postWithToken("action", "start", "algorithm", "softmax-regression", "dataset", "mnist/train");
        assertEquals(400, post.status);
        assertTrue(post.body().contains("model: cannot train this"), post.body());
    }

    @Test
    void hostileNamesAndReasonsAreEscaped() throws Exception {
        String hostile = "\"><script>alert(1)</script>";
        plugin.addAlgorithm(algorithm(hostile, "<img src=x onerror=alert(2)>", List.of(
                Hyperparameter.ofChoice("mode'><b>", "a<i>", List.of("a<i>", "b"), "<iframe>"))));
        when(jobs.list()).thenReturn(List.of(job("job-<svg onload=alert(3)>", hostile, JobState.FAILED, "<script>alert(4)</script>", null)));
        String html = page();
        for (String raw : List.of("<script>alert", "<img src=x", "<svg onload", "<iframe>", "<b>", "a<i>")) {
            assertFalse(html.contains(raw), "unescaped " + raw + " in\n" + html);
        }
        assertTrue(html.contains("&lt;script&gt;alert(4)&lt;/script&gt;"), html);
        assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;"), html);
    }

    @Test
    void progressJsonHasLossPerLayerLossesAndAccuracy() throws Exception {
        JobInfo running = job("job-2", "mono-forward", JobState.RUNNING, "running", new JobProgress(1, 2, 30, 100, 0.5, Map.of(), 1000, 5, 0));
        when(jobs.get("job-2")).thenReturn(Optional.of(running));
        for (int step = 10; step <= 30; step += 10) {
            Map<String, Object> p = new HashMap<>();
            p.put(JobEvents.JOB_ID, "job-2");
            p.put(JobEvents.STEP, (long) step);
            p.put(JobEvents.EPOCH, 1);
            p.put(JobEvents.LOSS, 2.0 / step);
            p.put(JobEvents.METRIC_PREFIX + "layer1.loss", 1.0 / step);
            p.put(JobEvents.METRIC_PREFIX + "layer2.loss", 0.5 / step);
            if (step == 30) {
                p.put(JobEvents.METRIC_PREFIX + "test.accuracy", 0.91);
                p.put(JobEvents.METRIC_PREFIX + "diverged.loss", Double.NaN);
            }
            history.handleEvent(new Event(JobEvents.TOPIC_PROGRESS, p));
        }
        Browser.Exchange get = browser.get(PAGE + "/progress.json", "job", "job-2");
        plugin.doGet(get.request, get.response);
        assertEquals(200, get.status);
        assertEquals("application/json", get.headers.get("Content-Type"));
        JsonObject body = JsonParser.parseString(get.body()).getAsJsonObject();
        assertEquals("RUNNING", body.get("state").getAsString());
        assertEquals(3, body.get("points").getAsInt());
        JsonObject loss = body.getAsJsonObject("charts").getAsJsonObject("loss");
        assertEquals("[10,20,30]", loss.get("x").toString());
        assertEquals("[\"loss\",\"diverged.loss\",\"layer1.loss\",\"layer2.loss\"]", loss.getAsJsonObject("series").keySet().stream()
                .map(k -> "\"" + k + "\"").toList().toString().replace(" ", ""));
        assertEquals("[0.1,0.05,0.03333333333333333]", loss.getAsJsonObject("series").get("layer1.loss").toString());
        assertEquals("[null,null,null]", loss.getAsJsonObject("series").get("diverged.loss").toString(), "NaN is a gap, not invalid JSON");
        JsonObject accuracy = body.getAsJsonObject("charts").getAsJsonObject("accuracy");
        assertEquals("[null,null,0.91]", accuracy.getAsJsonObject("series").get("test.accuracy").toString());
        assertEquals("RUNNING", body.getAsJsonObject("fields").get("state-job-2").getAsString());
        assertEquals("30% (epoch 1/2, step 30/100)", body.getAsJsonObject("fields").get("progress-job-2").getAsString());

        Browser.Exchange missing = browser.get(PAGE + "/progress.json", "job", "job-404");
        when(jobs.get("job-404")).thenReturn(Optional.empty());
        plugin.doGet(missing.request, missing.response);
        assertEquals(404, missing.status);
    }

    @Test
    void jobsJsonListsEveryJobWithItsLiveCells() throws Exception {
        when(jobs.list()).thenReturn(List.of(job("job-3", "dfa", JobState.CANCELLED, "cancelled in the web console", null)));
        Browser.Exchange get = browser.get(PAGE + "/jobs.json");
        plugin.doGet(get.request, get.response);
        JsonObject body = JsonParser.parseString(get.body()).getAsJsonObject();
        assertEquals("job-3", body.getAsJsonArray("jobs").get(0).getAsJsonObject().get("id").getAsString());
        assertEquals("CANCELLED", body.getAsJsonObject("fields").get("state-job-3").getAsString());
    }

    @Test
    void cancelCancelsARunningJobAndRefusesAnEndedOne() throws Exception {
        JobInfo running = job("job-4", "softmax-regression", JobState.RUNNING, "running", null);
        when(jobs.list()).thenReturn(List.of(running));
        when(jobs.get("job-4")).thenReturn(Optional.of(running));
        String html = page();
        assertTrue(html.contains("id='cancel-job-4'"), html);
        Browser.Exchange post = postWithToken("action", "cancel", "job", "job-4");
        assertEquals(303, post.status);
        verify(jobs).cancel("job-4", "cancelled in the web console by admin");

        when(jobs.get("job-5")).thenReturn(Optional.of(job("job-5", "dfa", JobState.SUCCEEDED, "done", null)));
        Browser.Exchange ended = postWithToken("action", "cancel", "job", "job-5");
        assertEquals(409, ended.status);
        verify(jobs, never()).cancel(org.mockito.ArgumentMatchers.eq("job-5"), anyString());
        Browser.Exchange unknown = postWithToken("action", "cancel", "job", "job-6");
        assertEquals(404, unknown.status);
    }

    @Test
    void staticFilesAreServedFromTheBundle() throws Exception {
        Browser.Exchange get = browser.get(PAGE + "/res/neurite.js");
        plugin.doGet(get.request, get.response);
        assertEquals(200, get.status);
        assertTrue(get.bytesAsText().contains("data-live"));
        Browser.Exchange other = browser.get(PAGE + "/res/../JobsPlugin.class");
        plugin.doGet(other.request, other.response);
        assertEquals(404, other.status);
    }
}
