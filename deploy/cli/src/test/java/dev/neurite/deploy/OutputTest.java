package dev.neurite.deploy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chunking, the result table and the plain progress lines. */
class OutputTest {

    @Test
    void chunksCoverTheContentExactlyOnce() {
        byte[] content = new byte[2500];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        byte[][] chunks = PushCommand.split(content, 1024);
        assertEquals(3, chunks.length);
        assertEquals(452, chunks[2].length);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            joined.writeBytes(c);
        }
        assertArrayEquals(content, joined.toByteArray());
        assertEquals(1, PushCommand.split(new byte[0], 1024).length, "an empty file is still one message");
    }

    @Test
    void tableColumnsAlign() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Table("DEVICE", "STATE", "ERROR").row("gw-1", "ACTIVE", null).row("gateway-22", "FAILED", "403 unsigned-bundle: no")
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("DEVICE      STATE   ERROR", lines[0]);
        assertEquals("gw-1        ACTIVE  -", lines[1]);
        assertEquals("gateway-22  FAILED  403 unsigned-bundle: no", lines[2]);
    }

    @Test
    void plainProgressPrintsALinePerChangeAndNoEscapes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 60_000)) {
            p.update("gw-1", 512, 2048, "sending");
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("gw-1:  25% 512 B/2.0 KiB sending\n", out);
        assertTrue(!out.contains("\u001b"));
    }
}
