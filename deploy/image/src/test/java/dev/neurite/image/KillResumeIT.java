package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job killed with SIGKILL mid-run continues from its last checkpoint after a restart. */
@Timeout(240)
class KillResumeIT extends ImageTestSupport {

    private static final Pattern STEP = Pattern.compile("\"step\"\\s*:\\s*\"(\\d+)\"");

    @Test
    void resumesFromTheLastCheckpointAfterKillDashNine() throws Exception {
        Path datasets = datasets();
        Path home = temp.resolve("home");
        Files.createDirectories(home.resolve("load"));
        // Frequent checkpoints, configured the way an operator would: a .cfg dropped into load/.
        Files.writeString(home.resolve("load/dev.neurite.jobs.cfg"), "checkpointEverySteps=50\n");
        Map<String, String> properties = Map.of("neurite.data.dirs", datasets.toString());

        RuntimeProcess rt = start(home, properties);
        rt.awaitReady(READY_TIMEOUT);
        // 50 epochs of 7,500 steps: far longer than this test lets it run.
        String id = submit(rt, "neurite:train softmax-regression dataset=mnist/train epochs=50 batchSize=8");
        Path checkpoint = home.resolve("jobs").resolve(id).resolve("checkpoint.safetensors");
        long seen = awaitCheckpointStep(checkpoint, Duration.ofSeconds(90));
        assertTrue(seen > 0, "checkpoint step " + seen);

        rt.kill();
        long onDisk = checkpointStep(checkpoint);
        assertTrue(onDisk >= seen, "the checkpoint went backwards: " + onDisk + " < " + seen);

        RuntimeProcess again = start(home, properties);
        again.awaitReady(READY_TIMEOUT);
        // Recovery queues the job at once; the resume itself is logged once its data is loaded again.
        Pattern resumedLine = Pattern.compile("resumed from checkpoint at step (\\d+) of (\\d+)");
        String job = awaitJob(again, id, Duration.ofSeconds(60), answer -> resumedLine.matcher(answer).find()
                || !state(answer).equals("RUNNING") && !state(answer).equals("QUEUED"));
        assertEquals("RUNNING", state(job), job);
        Matcher resumed = resumedLine.matcher(job);
        assertTrue(resumed.find(), "the job log does not say it resumed:\n" + job);
        assertEquals(onDisk, Long.parseLong(resumed.group(1)), "resumed from the last checkpoint written before the kill");
        assertEquals(375_000L, Long.parseLong(resumed.group(2)), "total steps: 50 epochs x 60,000 / 8");
        assertTrue(job.contains("(resumed from step " + onDisk + ")"), job);
        assertTrue(job.contains("recovered after restart; resumes from checkpoint at step " + onDisk), job);

        String cancelled = again.shell("neurite:cancel " + id, COMMAND_TIMEOUT);
        assertTrue(cancelled.contains(id + " CANCELLED"), cancelled);
    }

    private static long awaitCheckpointStep(Path checkpoint, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(checkpoint)) {
                return checkpointStep(checkpoint);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no checkpoint at " + checkpoint + " within " + timeout.toSeconds() + " s");
    }

    /** The {@code step} in a safetensors checkpoint's metadata (8-byte little-endian header length, then JSON). */
    static long checkpointStep(Path checkpoint) throws IOException {
        // The runtime replaces the file by rename, so a reader sees a whole old or new file; retry if it vanished in between.
        for (int attempt = 0; ; attempt++) {
            try (InputStream in = Files.newInputStream(checkpoint)) {
                byte[] length = in.readNBytes(8);
                long headerLength = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
                assertTrue(headerLength > 0 && headerLength < 1 << 20, "header length " + headerLength);
                String header = new String(in.readNBytes((int) headerLength), StandardCharsets.UTF_8);
                Matcher m = STEP.matcher(header);
                assertTrue(m.find(), "no step in checkpoint header " + header);
                return Long.parseLong(m.group(1));
            } catch (NoSuchFileException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }
}
