package dev.neurite.edge.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The agent's JSON codec: ISO-8601 instants, NaN and infinities allowed for unknown metrics. */
public final class Json {

    public static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
            .serializeSpecialFloatingPointValues()
            .disableHtmlEscaping()
            .create();

    private Json() {
    }

    public static byte[] bytes(JsonElement element) {
        return GSON.toJson(element).getBytes(StandardCharsets.UTF_8);
    }

    public static JsonElement tree(Object value) {
        return GSON.toJsonTree(value);
    }

    /** A copy of {@code body} with the envelope fields every outgoing message carries. */
    public static byte[] envelope(JsonObject body, String device, long seq, long timestampMillis) {
        JsonObject copy = body.deepCopy();
        copy.addProperty("device", device);
        copy.addProperty("seq", seq);
        copy.addProperty("ts", timestampMillis);
        return bytes(copy);
    }

    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            return Instant.parse(in.nextString());
        }
    }
}
