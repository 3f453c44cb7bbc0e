package dev.neurite.runtime.store;

import com.google.gson.JsonObject;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.model.ModelArtifact;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelNotFoundException;
import dev.neurite.api.model.ModelStore;
import dev.neurite.runtime.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Models on disk, one directory per version: {@code <root>/<name>/<version>/} holds
 * {@code model.safetensors} and {@code manifest.json}. A version is assembled in a hidden
 * temporary directory and renamed into place, so it appears whole or not at all.
 */
public class FileModelStore implements ModelStore {

    static final String TENSORS = "model.safetensors";
    static final String MANIFEST = "manifest.json";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path root;

    public FileModelStore(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root);
        removeLeftovers();
    }

    public Path root() {
        return root;
    }

    /** Validates a model name: letters, digits, dot, dash and underscore, 1-64 characters. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidRequestException("name", "model names are 1-64 of [A-Za-z0-9._-], starting with a letter or digit; got '" + name + "'");
        }
        return name;
    }

    @Override
    public synchronized ModelInfo save(ModelArtifact artifact) throws IOException {
        String name = checkName(artifact.name());
        Path modelDir = root.resolve(name);
        Files.createDirectories(modelDir);
        // Numbers of damaged version directories are skipped too, so a rename never meets one.
        int version = versionNumbers(name, false).stream().max(Integer::compare).orElse(0) + 1;
        Path temp = modelDir.resolve(".tmp-" + UUID.randomUUID());
        Files.createDirectories(temp);
        try {
            AtomicFiles.write(temp.resolve(TENSORS), out -> SafeTensors.write(out, artifact.tensors(),
                    Map.of("format", "neurite", "model", name)));
            ModelInfo info = new ModelInfo(name, version, artifact.algorithm(), artifact.spec(), Instant.now(),
                    Files.size(temp.resolve(TENSORS)), artifact.metrics(), artifact.attributes());
            JsonObject manifest = Json.GSON.toJsonTree(info).getAsJsonObject();
            manifest.addProperty("algorithmVersion", artifact.algorithmVersion());
            AtomicFiles.write(temp.resolve(MANIFEST), Json.PRETTY.toJson(manifest).getBytes(StandardCharsets.UTF_8));
            AtomicFiles.move(temp, modelDir.resolve(Integer.toString(version)));
            return info;
        } finally {
            AtomicFiles.deleteTree(temp);
        }
    }

    @Override
    public ModelArtifact load(String name, int version) throws ModelNotFoundException, IOException {
        Path dir = versionDir(name, version);
        JsonObject manifest = readManifest(dir);
        ModelInfo info = Json.GSON.fromJson(manifest, ModelInfo.class);
        SafeTensors.Contents contents;
        try (InputStream in = Files.newInputStream(dir.resolve(TENSORS))) {
            contents = SafeTensors.read(new java.io.BufferedInputStream(in), dir.resolve(TENSORS).toString());
        }
        String algorithmVersion = manifest.has("algorithmVersion") && !manifest.get("algorithmVersion").isJsonNull()
                ? manifest.get("algorithmVersion").getAsString() : null;
        return new ModelArtifact(info.name(), info.algorithm(), algorithmVersion, info.spec(), contents.tensors(),
                info.metrics(), info.attributes());
    }

    @Override
    public ModelArtifact loadLatest(String name) throws ModelNotFoundException, IOException {
        checkName(name);
        int latest = versions(name).stream().max(Integer::compare)
                .orElseThrow(() -> new ModelNotFoundException("no model named " + name));
        return load(name, latest);
    }

    @Override
    public ModelInfo info(String name, int version) throws ModelNotFoundException, IOException {
        return Json.GSON.fromJson(readManifest(versionDir(name, version)), ModelInfo.class);
    }

    @Override
    public List<ModelInfo> list() throws IOException {
        List<ModelInfo> result = new ArrayList<>();
        try (DirectoryStream<Path> names = Files.newDirectoryStream(root, p -> Files.isDirectory(p)
                && !p.getFileName().toString().startsWith("."))) {
            for (Path nameDir : names) {
                String name = nameDir.getFileName().toString();
                for (int version : versions(name)) {
                    try {
                        result.add(info(name, version));
                    } catch (ModelNotFoundException | IOException | RuntimeException e) {
                        // A damaged manifest must not hide the other models; it is skipped here.
                    }
                }
            }
        }
        result.sort(Comparator.comparing(ModelInfo::name).thenComparingInt(ModelInfo::version));
        return result;
    }

    @Override
    public synchronized void delete(String name, int version) throws ModelNotFoundException, IOException {
        Path dir = versionDir(name, version);
        Path trash = root.resolve(name).resolve(".trash-" + UUID.randomUUID());
        AtomicFiles.move(dir, trash);
        AtomicFiles.deleteTree(trash);
    }

    @Override
    public List<Path> files(String name, int version) throws ModelNotFoundException {
        Path dir = versionDir(name, version);
        return List.of(dir.resolve(TENSORS), dir.resolve(MANIFEST));
    }

    private Path versionDir(String name, int version) throws ModelNotFoundException {
        checkName(name);
        Path dir = root.resolve(name).resolve(Integer.toString(version));
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new ModelNotFoundException("no model " + name + ":" + version);
        }
        return dir;
    }

    private JsonObject readManifest(Path dir) throws IOException {
        try {
            return com.google.gson.JsonParser.parseString(Files.readString(dir.resolve(MANIFEST))).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(dir.resolve(MANIFEST) + ": unreadable manifest: " + e.getMessage(), e);
        }
    }

    private List<Integer> versions(String name) throws IOException {
        return versionNumbers(name, true);
    }

    private List<Integer> versionNumbers(String name, boolean completeOnly) throws IOException {
        Path modelDir = root.resolve(name);
        List<Integer> versions = new ArrayList<>();
        if (!Files.isDirectory(modelDir)) {
            return versions;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (file.matches("[1-9][0-9]{0,8}") && (!completeOnly || Files.isRegularFile(entry.resolve(MANIFEST)))) {
                    versions.add(Integer.parseInt(file));
                }
            }
        }
        versions.sort(Integer::compare);
        return versions;
    }

    /** A crash during save or delete leaves hidden directories behind; they are never valid models. */
    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> names = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path nameDir : names) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(nameDir,
                        p -> p.getFileName().toString().startsWith(".tmp-") || p.getFileName().toString().startsWith(".trash-"))) {
                    for (Path leftover : entries) {
                        AtomicFiles.deleteTree(leftover);
                    }
                }
            }
        }
    }
}
