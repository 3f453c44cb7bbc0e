package dev.neurite.runtime.store;

import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.ModelArtifact;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelNotFoundException;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.model.StoredTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileModelStoreTest {

    @TempDir
    Path root;

    private static ModelArtifact artifact(String name, float value) {
        ModelSpec spec = ModelSpec.mlp(3, new int[] {2}, Activation.RELU, 2);
        return new ModelArtifact(name, "softmax-regression", "1.0.0", spec,
                List.of(StoredTensor.ofFloats("layer0.weight", new int[] {2, 3}, new float[] {value, 1, 2, 3, 4, 5})),
                Map.of("test.accuracy", 0.5), Map.of("job", "job-1"));
    }

    @Test
    void eachSaveIsANewVersionAndLoadsBack() throws Exception {
        FileModelStore store = new FileModelStore(root);
        ModelInfo first = store.save(artifact("digits", 1f));
        ModelInfo second = store.save(artifact("digits", 2f));
        assertEquals(1, first.version());
        assertEquals(2, second.version());
        assertEquals("digits:2", second.reference());

        ModelArtifact loaded = store.load("digits", 1);
        assertArrayEquals(new float[] {1, 1, 2, 3, 4, 5}, loaded.tensor("layer0.weight").toFloats());
        assertEquals(artifact("digits", 1f).spec(), loaded.spec());
        assertEquals("1.0.0", loaded.algorithmVersion());
        assertEquals(0.5, loaded.metrics().get("test.accuracy"));
        assertEquals(2f, store.loadLatest("digits").tensor("layer0.weight").toFloats()[0]);
        assertEquals(List.of("digits:1", "digits:2"), store.list().stream().map(ModelInfo::reference).toList());
    }

    @Test
    void filesOfAVersionAreItsTensorsAndManifest() throws Exception {
        FileModelStore store = new FileModelStore(root);
        store.save(artifact("digits", 1f));
        List<Path> files = store.files("digits", 1);
        assertEquals(List.of("model.safetensors", "manifest.json"), files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : files) {
            assertTrue(Files.size(file) > 0, file + " is empty");
        }
        assertThrows(ModelNotFoundException.class, () -> store.files("digits", 2));
        assertThrows(InvalidRequestException.class, () -> store.files("../digits", 1));
    }

    @Test
    void deleteRemovesOneVersionAndUnknownModelsAreReported() throws Exception {
        FileModelStore store = new FileModelStore(root);
        store.save(artifact("m", 1f));
        store.save(artifact("m", 2f));
        store.delete("m", 1);
        assertEquals(List.of("m:2"), store.list().stream().map(ModelInfo::reference).toList());
        assertThrows(ModelNotFoundException.class, () -> store.load("m", 1));
        assertThrows(ModelNotFoundException.class, () -> store.delete("m", 7));
        assertThrows(ModelNotFoundException.class, () -> store.loadLatest("other"));
    }

    @Test
    void aCrashMidSaveLeavesNoVisibleModelAndIsCleanedOnStart() throws IOException {
        Path leftover = root.resolve("m").resolve(".tmp-123");
        Files.createDirectories(leftover);
        Files.write(leftover.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Path partial = root.resolve("m").resolve("1");
        Files.createDirectories(partial);
        Files.write(partial.resolve("model.safetensors"), new byte[] {1, 2, 3});

        FileModelStore store = new FileModelStore(root);
        assertEquals(List.of(), store.list());
        assertFalse(Files.exists(leftover));
    }

    @Test
    void badNamesAreRefusedBeforeAnythingIsWritten() throws IOException {
        FileModelStore store = new FileModelStore(root);
        for (String bad : new String[] {"../escape", "", "a/b", ".hidden", "x".repeat(65)}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> store.save(artifact(bad, 1f)));
            assertEquals("name", e.field());
        }
        try (var entries = Files.list(root)) {
            assertEquals(0, entries.count());
        }
    }
}
