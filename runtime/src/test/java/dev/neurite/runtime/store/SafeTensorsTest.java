package dev.neurite.runtime.store;

import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.DType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {

    @Test
    void roundTripKeepsTensorsAndMetadata() throws IOException {
        StoredTensor w = StoredTensor.ofFloats("layer0.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, 0, 1e-7f, -0f});
        StoredTensor q = new StoredTensor("layer0.q", DType.I8, new int[] {4}, new byte[] {-128, -1, 0, 127});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, List.of(w, q), Map.of("step", "42"));
        byte[] bytes = out.toByteArray();

        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "data must start 8-byte aligned");
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"dtype\":\"F32\"") && header.contains("\"data_offsets\":[0,24]"), header);

        SafeTensors.Contents read = SafeTensors.read(new ByteArrayInputStream(bytes), "memory");
        assertEquals(List.of(w, q), read.tensors());
        assertEquals(Map.of("step", "42"), read.metadata());
        assertArrayEquals(new float[] {1, -2, 3.5f, 0, 1e-7f, -0f}, read.tensors().get(0).toFloats());
    }

    @Test
    void malformedFilesAreRefusedWithTheReason() {
        assertThrows(IOException.class, () -> SafeTensors.read(new ByteArrayInputStream(new byte[3]), "short"));
        byte[] hugeHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array();
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(new ByteArrayInputStream(hugeHeader), "huge"));
        assertTrue(e.getMessage().contains("header length"), e.getMessage());
        byte[] json = "{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer truncated = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        truncated.putLong(json.length).put(json).put(new byte[8]);
        e = assertThrows(IOException.class, () -> SafeTensors.read(new ByteArrayInputStream(truncated.array()), "cut"));
        assertTrue(e.getMessage().contains("'t'"), e.getMessage());
    }
}
