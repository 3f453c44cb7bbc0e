package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One flipped byte in a dataset file fails the job with a precise reason, and nothing else. */
@Timeout(240)
class CorruptDatasetIT extends ImageTestSupport {

    private static final List<String> FILES = List.of("mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz");

    @Test
    void corruptFileFailsTheJobNamingFileAndChecksumAndTheRuntimeCarriesOn() throws Exception {
        Path source = datasets();
        Path data = temp.resolve("data");
        Files.createDirectories(data.resolve("mnist"));
        for (String file : FILES) {
            Files.copy(source.resolve(file), data.resolve(file));
        }
        // The checksum list sits in the parent of the dataset directory, paths relative to it, as in the shared set.
        List<String> sums = Files.readAllLines(source.resolve("SHA256SUMS")).stream()
                .filter(line -> line.split("\\s+").length == 2 && FILES.contains(line.split("\\s+")[1].replaceFirst("^\\*", "")))
                .collect(Collectors.toList());
        assertEquals(FILES.size(), sums.size(), "SHA256SUMS lines for " + FILES);
        Files.write(data.resolve("SHA256SUMS"), sums);
        String expected = sums.stream().filter(l -> l.endsWith(" " + FILES.get(0)) || l.endsWith("*" + FILES.get(0))).findFirst().orElseThrow().split("\\s+")[0];

        Path corrupt = data.resolve(FILES.get(0));
        byte[] bytes = Files.readAllBytes(corrupt);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(corrupt, bytes);
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertNotEquals(expected, actual);

        Path home = temp.resolve("home");
        RuntimeProcess rt = start(home, Map.of("neurite.data.dirs", data.toString()));
        rt.awaitReady(READY_TIMEOUT);

        String id = submit(rt, "neurite:train softmax-regression dataset=mnist/train epochs=1");
        String job = awaitJobState(rt, id, Duration.ofSeconds(120), "SUCCEEDED", "FAILED", "CANCELLED");
        assertEquals("FAILED", state(job), job);
        String reason = reason(job);
        assertTrue(reason.contains(corrupt.toString()), "reason names the file: " + reason);
        assertTrue(reason.contains(expected), "reason names the expected checksum: " + reason);
        assertTrue(reason.contains(actual), "reason names the actual checksum: " + reason);

        // The runtime keeps serving: the shell answers and another job runs to the end.
        assertTrue(rt.shell("neurite:algorithms", COMMAND_TIMEOUT).contains("softmax-regression"));
        String other = submit(rt, "neurite:train softmax-regression dataset=blobs/train epochs=1");
        assertEquals("SUCCEEDED", state(awaitJobState(rt, other, Duration.ofSeconds(60), "SUCCEEDED", "FAILED", "CANCELLED")));
        assertTrue(rt.isAlive());
    }
}
