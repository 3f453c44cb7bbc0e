package dev.neurite.runtime.jobs;

import dev.neurite.api.algorithm.TrainerState;
import dev.neurite.api.job.JobInfo;
import dev.neurite.runtime.json.Json;
import dev.neurite.runtime.store.AtomicFiles;
import dev.neurite.runtime.store.SafeTensors;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's files: {@code <jobs>/<id>/job.json} (its state), {@code log.txt} (append-only) and
 * {@code checkpoint.safetensors} (trainer state, metadata {@code step} and {@code attr.*}).
 * State and checkpoint are replaced atomically.
 */
final class JobFiles {

    private static final String STATE = "job.json";
    private static final String LOG = "log.txt";
    private static final String CHECKPOINT = "checkpoint.safetensors";
    private static final String ATTRIBUTE = "attr.";

    private final Path root;

    JobFiles(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root);
    }

    Path root() {
        return root;
    }

    void writeState(JobInfo info) throws IOException {
        AtomicFiles.write(root.resolve(info.id()).resolve(STATE), Json.PRETTY.toJson(info).getBytes(StandardCharsets.UTF_8));
    }

    /** Every job whose state file is readable; unreadable ones are reported through {@code problems}. */
    List<JobInfo> readAll(List<String> problems) throws IOException {
        List<JobInfo> result = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                Path state = dir.resolve(STATE);
                if (!Files.isRegularFile(state)) {
                    continue;
                }
                try {
                    result.add(Json.GSON.fromJson(Files.readString(state), JobInfo.class));
                } catch (IOException | RuntimeException e) {
                    problems.add(state + ": " + e.getMessage());
                }
            }
        }
        return result;
    }

    synchronized void appendLog(String jobId, String line) {
        try {
            Path file = root.resolve(jobId).resolve(LOG);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The log is advisory; a full disk must not fail the job. The in-memory tail still has it.
        }
    }

    List<String> readLog(String jobId) {
        try {
            Path file = root.resolve(jobId).resolve(LOG);
            return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of("log unreadable: " + e.getMessage());
        }
    }

    void writeCheckpoint(String jobId, TrainerState state) throws IOException {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("step", Long.toString(state.step()));
        state.attributes().forEach((k, v) -> metadata.put(ATTRIBUTE + k, v));
        AtomicFiles.write(root.resolve(jobId).resolve(CHECKPOINT), out -> SafeTensors.write(out, state.tensors(), metadata));
    }

    Optional<TrainerState> readCheckpoint(String jobId) throws IOException {
        Path file = root.resolve(jobId).resolve(CHECKPOINT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        SafeTensors.Contents contents;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            contents = SafeTensors.read(in, file.toString());
        }
        String step = contents.metadata().get("step");
        if (step == null) {
            throw new IOException(file + ": checkpoint has no step");
        }
        Map<String, String> attributes = new HashMap<>();
        contents.metadata().forEach((k, v) -> {
            if (k.startsWith(ATTRIBUTE)) {
                attributes.put(k.substring(ATTRIBUTE.length()), v);
            }
        });
        return Optional.of(new TrainerState(Long.parseLong(step), contents.tensors(), attributes));
    }

    void deleteCheckpoint(String jobId) throws IOException {
        Files.deleteIfExists(root.resolve(jobId).resolve(CHECKPOINT));
    }
}
