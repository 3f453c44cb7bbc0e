package dev.neurite.runtime.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.neurite.api.model.StoredTensor;
import dev.neurite.api.tensor.DType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON
 * header (dtype, shape and byte range of each tensor, plus a string map under
 * {@code __metadata__}), then the raw tensor bytes. Written by hand because the format is a
 * page long and no maintained Java implementation ships as an OSGi bundle.
 */
public final class SafeTensors {

    private static final String METADATA = "__metadata__";
    /** Refuse absurd headers before allocating: real headers are kilobytes. */
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    /** Tensors and metadata as read from a file. */
    public record Contents(List<StoredTensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    /** Writes tensors in the given order, with metadata. */
    public static void write(OutputStream out, List<StoredTensor> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add(METADATA, meta);
        }
        long offset = 0;
        for (StoredTensor tensor : tensors) {
            if (METADATA.equals(tensor.name())) {
                throw new IllegalArgumentException("a tensor may not be named " + METADATA);
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", tensor.dtype().name());
            JsonArray shape = new JsonArray();
            for (int d : tensor.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + tensor.data().length);
            entry.add("data_offsets", offsets);
            header.add(tensor.name(), entry);
            offset += tensor.data().length;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
        int padded = (json.length + 7) & ~7;
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            headerBytes[i] = ' ';
        }
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(headerBytes);
        for (StoredTensor tensor : tensors) {
            out.write(tensor.data());
        }
        out.flush();
    }

    /** Reads a whole file; malformed input gives an IOException saying what is wrong. */
    public static Contents read(InputStream in, String source) throws IOException {
        byte[] lengthBytes = in.readNBytes(8);
        if (lengthBytes.length < 8) {
            throw new IOException(source + ": not a safetensors file (shorter than 8 bytes)");
        }
        long headerLength = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER) {
            throw new IOException(source + ": invalid safetensors header length " + headerLength);
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length != headerLength) {
            throw new IOException(source + ": truncated safetensors header");
        }
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(headerBytes, StandardCharsets.UTF_8).trim()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(source + ": unreadable safetensors header: " + e.getMessage(), e);
        }
        byte[] data = in.readAllBytes();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<StoredTensor> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (METADATA.equals(e.getKey())) {
                e.getValue().getAsJsonObject().entrySet()
                        .forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                continue;
            }
            try {
                JsonObject entry = e.getValue().getAsJsonObject();
                DType dtype = DType.valueOf(entry.get("dtype").getAsString());
                JsonArray shapeJson = entry.getAsJsonArray("shape");
                int[] shape = new int[shapeJson.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeJson.get(i).getAsInt();
                }
                JsonArray offsets = entry.getAsJsonArray("data_offsets");
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                if (begin < 0 || end < begin || end > data.length) {
                    throw new IOException("byte range [" + begin + ", " + end + ") outside the " + data.length + " data bytes");
                }
                byte[] bytes = new byte[(int) (end - begin)];
                System.arraycopy(data, (int) begin, bytes, 0, bytes.length);
                tensors.add(new StoredTensor(e.getKey(), dtype, shape, bytes));
            } catch (IOException | RuntimeException ex) {
                throw new IOException(source + ": tensor '" + e.getKey() + "' is malformed: " + ex.getMessage(), ex);
            }
        }
        return new Contents(tensors, metadata);
    }
}
