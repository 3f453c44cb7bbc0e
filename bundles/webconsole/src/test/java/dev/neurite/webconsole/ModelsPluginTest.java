package dev.neurite.webconsole;

import com.google.gson.JsonParser;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelNotFoundException;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.model.ModelStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class ModelsPluginTest {

    private static final String PAGE = "/" + ModelsPlugin.LABEL;

    @TempDir
    Path dir;

    private final ModelStore store = mock(ModelStore.class);
    private final Browser browser = new Browser();
    private ModelsPlugin plugin;
    private ModelInfo digits;
    private Path tensors;

    @BeforeEach
    void setUp() throws Exception {
        digits = new ModelInfo("digits", 2, "softmax-regression", ModelSpec.mlp(784, new int[] {32}, Activation.RELU, 10),
                Instant.parse("2026-11-23T10:00:00Z"), 4, Map.of("test.accuracy", 0.9123), Map.of("job", "job-1", "dataset", "mnist/train"));
        tensors = Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
        Path manifest = Files.writeString(dir.resolve("manifest.json"), "{\"name\":\"digits\"}");
        when(store.list()).thenReturn(List.of(digits));
        when(store.info("digits", 2)).thenReturn(digits);
        when(store.files("digits", 2)).thenReturn(List.of(tensors, manifest));
        when(store.files("digits", 3)).thenThrow(new ModelNotFoundException("no model digits:3"));
        plugin = new ModelsPlugin(store);
    }

    private String page(String... params) throws Exception {
        Browser.Exchange get = browser.get(PAGE, params);
        plugin.renderContent(get.request, get.response);
        return get.body();
    }

    @Test
    void listAndDetailsShowSpecMetricsAndFiles() throws Exception {
        String list = page();
        assertTrue(list.contains("784-32(relu)-10(softmax)"), list);
        assertTrue(list.contains("test.accuracy=0.9123"), list);
        String details = page("name", "digits", "version", "2");
        assertTrue(details.contains("<h2 id='model-details'>Model digits:2</h2>"), details);
        assertTrue(details.contains("<tr><td>1</td><td>dense</td><td>32</td><td>relu</td>"), details);
        assertTrue(details.contains("<td>dataset</td><td>mnist/train</td>"), details);
        assertTrue(details.contains("file=manifest.json'>manifest.json</a>"), details);
    }

    @Test
    void downloadServesOnlyTheStoredFilesOfTheVersion() throws Exception {
        Browser.Exchange get = browser.get(PAGE + "/download", "name", "digits", "version", "2", "file", "model.safetensors");
        plugin.doGet(get.request, get.response);
        assertEquals(200, get.status);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, get.bytes());
        assertEquals("attachment; filename=\"digits-v2-model.safetensors\"", get.headers.get("Content-Disposition"));

        Files.writeString(dir.resolve("secret.txt"), "secret");
        for (String file : List.of("../secret.txt", "secret.txt", "/etc/passwd")) {
            Browser.Exchange bad = browser.get(PAGE + "/download", "name", "digits", "version", "2", "file", file);
            plugin.doGet(bad.request, bad.response);
            assertEquals(404, bad.status, file);
            assertEquals(0, bad.bytes().length, file);
        }
        Browser.Exchange missing = browser.get(PAGE + "/download", "name", "digits", "version", "3", "file", "model.safetensors");
        plugin.doGet(missing.request, missing.response);
        assertEquals(404, missing.status);
        Browser.Exchange badVersion = browser.get(PAGE + "/download", "name", "digits", "version", "two", "file", "model.safetensors");
        plugin.doGet(badVersion.request, badVersion.response);
        assertEquals(400, badVersion.status);
        assertTrue(badVersion.body().contains("version: expected a version number"), badVersion.body());
    }

    @Test
    void deleteNeedsTheTokenAndAValidVersion() throws Exception {
        page();
        Browser.Exchange noToken = browser.post(PAGE, "action", "delete", "name", "digits", "version", "2");
        plugin.doPost(noToken.request, noToken.response);
        assertEquals(403, noToken.status);
        String token = Browser.token(page());
        Browser.Exchange badVersion = browser.post(PAGE, "action", "delete", "name", "digits", "version", "0", "csrf", token);
        plugin.doPost(badVersion.request, badVersion.response);
        assertEquals(400, badVersion.status);
        verify(store, never()).delete(anyString(), anyInt());

        Browser.Exchange ok = browser.post(PAGE, "action", "delete", "name", "digits", "version", "2", "csrf", token);
        plugin.doPost(ok.request, ok.response);
        assertEquals(303, ok.status);
        assertEquals("/system/console/neurite-models?deleted=digits%3A2", ok.headers.get("Location"));
        verify(store).delete("digits", 2);
    }

    @Test
    void hostileProvenanceIsEscaped() throws Exception {
        ModelInfo hostile = new ModelInfo("m", 1, "<script>alert(1)</script>", digits.spec(), digits.createdAt(), 4,
                Map.of("<b>x</b>", 1.0), Map.of("dataset", "\"><img src=x onerror=alert(2)>"));
        when(store.list()).thenReturn(List.of(hostile));
        when(store.info("m", 1)).thenReturn(hostile);
        when(store.files("m", 1)).thenReturn(List.of(tensors));
        String html = page("name", "m", "version", "1");
        for (String raw : List.of("<script>alert", "<img src", "<b>x")) {
            assertFalse(html.contains(raw), raw + " unescaped in\n" + html);
        }
    }

    @Test
    void modelsJsonListsEveryVersion() throws Exception {
        Browser.Exchange get = browser.get(PAGE + "/models.json");
        plugin.doGet(get.request, get.response);
        var model = JsonParser.parseString(get.body()).getAsJsonObject().getAsJsonArray("models").get(0).getAsJsonObject();
        assertEquals("digits", model.get("name").getAsString());
        assertEquals(2, model.get("version").getAsInt());
        assertEquals(0.9123, model.getAsJsonObject("metrics").get("test.accuracy").getAsDouble());
    }
}
