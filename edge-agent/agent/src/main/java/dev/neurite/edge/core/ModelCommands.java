package dev.neurite.edge.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.neurite.api.model.ModelArtifact;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelStore;
import dev.neurite.api.model.StoredTensor;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code models/list|get|delete} and {@code infer/run}. A model's weights travel in
 * chunks: {@code models/get} without {@code chunk} describes the model, its tensors (name,
 * dtype, shape, byte offset and length in the concatenated little-endian data), the chunk
 * count and the SHA-256 of the whole; with {@code chunk} it returns that slice as base64.
 */
public final class ModelCommands {

    private final Supplier<ModelStore> store;
    private final int defaultChunkBytes;
    private final int maxChunkBytes;
    private final Map<String, DenseModel> loaded = new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DenseModel> eldest) {
            return size() > 4;
        }
    };

    public ModelCommands(Supplier<ModelStore> store, int defaultChunkBytes, int maxChunkBytes) {
        this.store = store;
        this.defaultChunkBytes = defaultChunkBytes;
        this.maxChunkBytes = maxChunkBytes;
    }

    public void register(CommandDispatcher d) {
        d.register("models", "list", args -> {
            JsonArray list = new JsonArray();
            for (ModelInfo m : store().list()) {
                list.add(info(m));
            }
            JsonObject r = new JsonObject();
            r.add("models", list);
            return r;
        });
        d.register("models", "get", this::get);
        d.register("models", "delete", args -> {
            String name = args.string("name");
            int version = (int) args.requireInteger("version", 1, Integer.MAX_VALUE);
            store().delete(name, version);
            synchronized (loaded) {
                loaded.remove(name + ":" + version);
            }
            JsonObject r = new JsonObject();
            r.addProperty("deleted", name + ":" + version);
            return r;
        });
        d.register("infer", "run", this::infer);
    }

    private ModelStore store() throws CommandException {
        ModelStore s = store.get();
        if (s == null) {
            throw new CommandException(503, "unavailable", "the model store is not available", null);
        }
        return s;
    }

    static JsonObject info(ModelInfo m) {
        JsonObject o = Json.tree(m).getAsJsonObject();
        o.addProperty("reference", m.reference());
        o.addProperty("architecture", m.spec().describe());
        return o;
    }

    private ModelArtifact load(String name, long version) throws Exception {
        return version > 0 ? store().load(name, (int) version) : store().loadLatest(name);
    }

    private JsonElement get(Args args) throws Exception {
        String name = args.string("name");
        long version = args.integer("version", 0, 1, Integer.MAX_VALUE);
        int chunkBytes = (int) args.integer("chunkBytes", defaultChunkBytes, 1024, maxChunkBytes);
        ModelArtifact model = load(name, version);
        int resolvedVersion = version > 0 ? (int) version : store().list().stream()
                .filter(m -> m.name().equals(name)).mapToInt(ModelInfo::version).max().orElse(0);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        JsonArray tensors = new JsonArray();
        for (StoredTensor t : model.tensors()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", t.name());
            o.addProperty("dtype", t.dtype().name());
            o.add("shape", Json.tree(t.shape()));
            o.addProperty("offset", data.size());
            o.addProperty("bytes", t.data().length);
            tensors.add(o);
            data.writeBytes(t.data());
        }
        byte[] all = data.toByteArray();
        int chunks = Math.max(1, (all.length + chunkBytes - 1) / chunkBytes);
        JsonObject r = new JsonObject();
        r.addProperty("name", name);
        r.addProperty("version", resolvedVersion);
        r.addProperty("chunkBytes", chunkBytes);
        r.addProperty("chunks", chunks);
        r.addProperty("totalBytes", all.length);
        if (!args.has("chunk")) {
            r.addProperty("algorithm", model.algorithm());
            r.addProperty("algorithmVersion", model.algorithmVersion());
            r.add("spec", Json.tree(model.spec()));
            r.addProperty("architecture", model.spec().describe());
            r.add("metrics", Json.tree(model.metrics()));
            r.add("attributes", Json.tree(model.attributes()));
            r.add("tensors", tensors);
            r.addProperty("sha256", BundleCommands.sha256(all));
            return r;
        }
        int chunk = (int) args.requireInteger("chunk", 0, chunks - 1);
        int from = chunk * chunkBytes;
        int to = Math.min(all.length, from + chunkBytes);
        r.addProperty("chunk", chunk);
        r.addProperty("offset", from);
        r.addProperty("data", Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(all, from, to)));
        return r;
    }

    private JsonElement infer(Args args) throws Exception {
        String ref = args.string("model");
        String name = ref;
        long version = 0;
        int colon = ref.lastIndexOf(':');
        if (colon > 0) {
            name = ref.substring(0, colon);
            try {
                version = Long.parseLong(ref.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw CommandException.badRequest("args.model", "expected name or name:version");
            }
        }
        DenseModel model;
        String key = name + ":" + version;
        synchronized (loaded) {
            model = version > 0 ? loaded.get(key) : null;
        }
        if (model == null) {
            try {
                model = new DenseModel(load(name, version));
            } catch (IllegalArgumentException e) {
                throw new CommandException(422, "unsupported-model", e.getMessage(), "args.model");
            }
            if (version > 0) {
                synchronized (loaded) {
                    loaded.put(key, model);
                }
            }
        }
        JsonArray inputs = args.array("inputs");
        if (inputs.size() > 10_000) {
            throw CommandException.badRequest("args.inputs", "at most 10000 examples per request");
        }
        JsonArray outputs = new JsonArray();
        JsonArray classes = new JsonArray();
        for (int i = 0; i < inputs.size(); i++) {
            String field = "args.inputs[" + i + "]";
            if (!inputs.get(i).isJsonArray()) {
                throw CommandException.badRequest(field, "expected an array of numbers");
            }
            JsonArray row = inputs.get(i).getAsJsonArray();
            if (row.size() != model.inputSize()) {
                throw CommandException.badRequest(field, "expected " + model.inputSize() + " values, got " + row.size());
            }
            float[] x = new float[row.size()];
            for (int k = 0; k < x.length; k++) {
                JsonElement e = row.get(k);
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                    throw CommandException.badRequest(field + "[" + k + "]", "expected a number");
                }
                x[k] = e.getAsFloat();
            }
            float[] y = model.forward(x);
            JsonArray out = new JsonArray();
            int best = 0;
            for (int k = 0; k < y.length; k++) {
                out.add(y[k]);
                if (y[k] > y[best]) {
                    best = k;
                }
            }
            outputs.add(out);
            classes.add(best);
        }
        JsonObject r = new JsonObject();
        r.addProperty("model", version > 0 ? key : name);
        r.add("outputs", outputs);
        r.add("argmax", classes);
        return r;
    }
}
