package dev.neurite.edge.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.model.ModelNotFoundException;
import dev.neurite.edge.Topics;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns command messages into replies. A request is JSON with {@code id}, optional
 * {@code replyTo}, optional {@code expiresAt} (epoch milliseconds or ISO-8601) and
 * {@code args}; the reply is {@code {id, command, status, result}} or
 * {@code {id, command, status, error: {code, message, field}}}, sent to {@code replyTo} or
 * to the device's {@code reply/<id>}.
 *
 * <p>Checks, in order: size (413), well-formed JSON (400 naming where it broke), {@code id}
 * and {@code replyTo} (400), a repeated id (the first reply again, nothing runs twice),
 * expiry (408), the command (404), {@code args} (400 naming the field). Commands run on a
 * small pool, so the MQTT client's thread never blocks; a full queue answers 503.
 */
public final class CommandDispatcher implements AutoCloseable {

    /** One command implementation. Throw {@link CommandException} for a typed failure. */
    @FunctionalInterface
    public interface Command {
        JsonElement run(Args args) throws Exception;
    }

    /** Where replies go (the outbox, in the agent). */
    @FunctionalInterface
    public interface ReplySink {
        void reply(String topic, JsonObject body);
    }

    public record Settings(int maxPayloadBytes, int threads, int queueLength, int rememberedIds) {
    }

    public record Stats(long received, long executed, long errors, long duplicates, long unanswerable) {
    }

    private static final Logger LOG = Logger.getLogger(CommandDispatcher.class.getName());
    private static final Gson STRICT = new GsonBuilder().setStrictness(Strictness.STRICT).create();
    private static final Pattern PATH = Pattern.compile("path (\\$[^\\s]*)");

    private final Topics topics;
    private final Settings settings;
    private final ReplySink sink;
    private final LongSupplier clock;
    private final Map<String, Command> commands = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonObject>> seen;
    private final ThreadPoolExecutor pool;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong unanswerable = new AtomicLong();

    public CommandDispatcher(Topics topics, Settings settings, ReplySink sink, LongSupplier clock) {
        this.topics = topics;
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
        int remembered = Math.max(16, settings.rememberedIds());
        this.seen = new LinkedHashMap<>(64, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<JsonObject>> eldest) {
                return size() > remembered;
            }
        };
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(Math.max(1, settings.queueLength())), r -> {
                    Thread t = new Thread(r, "neurite-mqtt-command-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public void register(String app, String verb, Command command) {
        commands.put(app + "/" + verb, command);
    }

    public Set<String> commands() {
        return new TreeSet<>(commands.keySet());
    }

    public Stats stats() {
        return new Stats(received.get(), executed.get(), errors.get(), duplicates.get(), unanswerable.get());
    }

    /** What could be read of a request's addressing, even from a broken or oversized payload. */
    record Header(String id, String replyTo) {
    }

    /**
     * Accepts one message from the broker. Returns at once; the reply follows through the
     * sink. Never throws.
     */
    public void accept(String topic, byte[] payload) {
        received.incrementAndGet();
        try {
            dispatch(topic, payload);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "command on " + topic + " failed unexpectedly", e);
        }
    }

    private void dispatch(String topic, byte[] payload) {
        String command = topics.commandOf(topic);
        if (payload.length > settings.maxPayloadBytes()) {
            Header h = scanHeader(new String(payload, StandardCharsets.UTF_8));
            answerHeader(h, command, 413, "payload-too-large",
                    "payload of " + payload.length + " bytes exceeds the limit of " + settings.maxPayloadBytes(), "payload");
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            answerHeader(scanHeader(new String(payload, StandardCharsets.UTF_8)), command, 400, "malformed-request",
                    "payload is not UTF-8", "payload");
            return;
        }
        JsonElement root;
        try {
            root = STRICT.fromJson(text, JsonElement.class);
        } catch (JsonParseException | IllegalStateException e) {
            String where = "payload";
            Matcher m = PATH.matcher(String.valueOf(e.getMessage()));
            if (m.find()) {
                where = m.group(1);
            }
            answerHeader(scanHeader(text), command, 400, "malformed-json",
                    "malformed JSON at " + where + ": " + firstLine(e.getMessage()), where);
            return;
        }
        if (root == null || !root.isJsonObject()) {
            answerHeader(new Header(null, null), command, 400, "malformed-request", "payload must be a JSON object", "payload");
            return;
        }
        JsonObject request = root.getAsJsonObject();
        String id = scalar(request.get("id"));
        boolean idOk = Topics.isLevel(id);
        JsonElement replyElement = request.get("replyTo");
        boolean replyGiven = replyElement != null && !replyElement.isJsonNull();
        String replyTo = replyGiven && replyElement.isJsonPrimitive() && replyElement.getAsJsonPrimitive().isString()
                ? replyElement.getAsString() : null;
        boolean replyOk = replyTo != null && Topics.replyTopicAllowed(replyTo);
        String destination = replyOk ? replyTo : idOk ? topics.reply(id) : null;
        if (destination == null) {
            unanswerable.incrementAndGet();
            return;
        }
        if (!idOk) {
            send(destination, error(null, command, 400, "invalid-argument",
                    "id: required, 1-128 of [A-Za-z0-9._-]", "id"));
            return;
        }
        if (replyGiven && !replyOk) {
            send(destination, error(id, command, 400, "invalid-argument",
                    "replyTo: must be a topic name without wildcards, outside any cmd/ tree", "replyTo"));
            return;
        }
        CompletableFuture<JsonObject> result;
        synchronized (seen) {
            CompletableFuture<JsonObject> first = seen.get(id);
            if (first != null) {
                duplicates.incrementAndGet();
                first.thenAccept(body -> send(destination, body));
                return;
            }
            result = new CompletableFuture<>();
            seen.put(id, result);
        }
        result.thenAccept(body -> send(destination, body));
        try {
            pool.execute(() -> result.complete(execute(id, command, request)));
        } catch (RejectedExecutionException e) {
            synchronized (seen) {
                seen.remove(id, result);
            }
            result.complete(error(id, command, 503, "busy", "too many commands queued; retry later", null));
        }
    }

    private JsonObject execute(String id, String command, JsonObject request) {
        JsonElement expires = request.get("expiresAt");
        if (expires != null && !expires.isJsonNull()) {
            long deadline;
            try {
                deadline = instant(expires);
            } catch (IllegalArgumentException e) {
                return error(id, command, 400, "invalid-argument",
                        "expiresAt: expected epoch milliseconds or an ISO-8601 instant", "expiresAt");
            }
            if (clock.getAsLong() > deadline) {
                return error(id, command, 408, "expired", "request expired at " + Instant.ofEpochMilli(deadline)
                        + "; not executed", "expiresAt");
            }
        }
        Command handler = command == null ? null : commands.get(command);
        if (handler == null) {
            return error(id, command, 404, "unknown-command", "no command " + command + "; known: " + commands(), null);
        }
        JsonElement args = request.get("args");
        if (args != null && !args.isJsonNull() && !args.isJsonObject()) {
            return error(id, command, 400, "invalid-argument", "args: expected an object", "args");
        }
        executed.incrementAndGet();
        try {
            JsonElement result = handler.run(new Args(args == null || args.isJsonNull() ? null : args.getAsJsonObject()));
            JsonObject reply = new JsonObject();
            reply.addProperty("id", id);
            reply.addProperty("command", command);
            reply.addProperty("status", 200);
            reply.add("result", result == null ? new JsonObject() : result);
            return reply;
        } catch (CommandException e) {
            return error(id, command, e.status(), e.code(), e.getMessage(), e.field());
        } catch (InvalidRequestException e) {
            String field = e.field() == null ? null : "args." + e.field();
            return error(id, command, 400, "invalid-argument", e.getMessage(), field);
        } catch (ModelNotFoundException e) {
            return error(id, command, 404, "not-found", e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            return error(id, command, 400, "invalid-argument", e.getMessage(), null);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "command " + command + " (" + id + ") failed", e);
            return error(id, command, 500, "internal-error", e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    static long instant(JsonElement value) {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            double d = value.getAsDouble();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("not finite");
            }
            return (long) d;
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            try {
                return Instant.parse(value.getAsString()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        throw new IllegalArgumentException("not a time");
    }

    private void answerHeader(Header h, String command, int status, String code, String message, String field) {
        String id = Topics.isLevel(h.id()) ? h.id() : null;
        String destination = h.replyTo() != null && Topics.replyTopicAllowed(h.replyTo()) ? h.replyTo()
                : id != null ? topics.reply(id) : null;
        if (destination == null) {
            unanswerable.incrementAndGet();
            return;
        }
        send(destination, error(id, command, status, code, message, field));
    }

    private void send(String topic, JsonObject body) {
        if (body.has("error")) {
            errors.incrementAndGet();
        }
        try {
            sink.reply(topic, body);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reply to " + topic + " could not be queued", e);
        }
    }

    static JsonObject error(String id, String command, int status, String code, String message, String field) {
        JsonObject reply = new JsonObject();
        if (id == null) {
            reply.add("id", com.google.gson.JsonNull.INSTANCE);
        } else {
            reply.addProperty("id", id);
        }
        if (command != null) {
            reply.addProperty("command", command);
        }
        reply.addProperty("status", status);
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        if (field != null) {
            error.addProperty("field", field);
        }
        reply.add("error", error);
        return reply;
    }

    private static String scalar(JsonElement e) {
        if (e == null || !e.isJsonPrimitive()) {
            return null;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() || p.isNumber() ? p.getAsString() : null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    /**
     * Reads the top-level {@code id} and {@code replyTo} of a payload as far as it is well
     * formed, skipping every other value without building it.
     */
    static Header scanHeader(String text) {
        String id = null;
        String replyTo = null;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.LENIENT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                return new Header(null, null);
            }
            reader.beginObject();
            while (reader.hasNext() && (id == null || replyTo == null)) {
                String name = reader.nextName();
                JsonToken token = reader.peek();
                if (("id".equals(name) || "replyTo".equals(name))
                        && (token == JsonToken.STRING || token == JsonToken.NUMBER)) {
                    String value = reader.nextString();
                    if ("id".equals(name)) {
                        id = value;
                    } else {
                        replyTo = value;
                    }
                } else {
                    reader.skipValue();
                }
            }
        } catch (Exception | StackOverflowError e) {
            // Whatever was read before the damage is all there is.
        }
        return new Header(id, replyTo);
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
