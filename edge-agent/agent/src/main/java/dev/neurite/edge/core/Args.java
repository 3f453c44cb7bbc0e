package dev.neurite.edge.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed access to a command's {@code args}. Every accessor refuses a missing or ill-typed
 * value with a 400 that names the field as {@code args.<name>}.
 */
public final class Args {

    private final JsonObject args;

    public Args(JsonObject args) {
        this.args = args == null ? new JsonObject() : args;
    }

    public JsonObject json() {
        return args;
    }

    public boolean has(String name) {
        return args.has(name) && !args.get(name).isJsonNull();
    }

    static String field(String name) {
        return "args." + name;
    }

    public String string(String name) throws CommandException {
        String value = optString(name, null);
        if (value == null) {
            throw CommandException.badRequest(field(name), "required");
        }
        return value;
    }

    public String optString(String name, String fallback) throws CommandException {
        if (!has(name)) {
            return fallback;
        }
        JsonElement e = args.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw CommandException.badRequest(field(name), "expected a string");
        }
        String value = e.getAsString();
        if (value.isEmpty()) {
            throw CommandException.badRequest(field(name), "must not be empty");
        }
        return value;
    }

    public long integer(String name, long fallback, long min, long max) throws CommandException {
        if (!has(name)) {
            return fallback;
        }
        return requireInteger(name, min, max);
    }

    public long requireInteger(String name, long min, long max) throws CommandException {
        if (!has(name)) {
            throw CommandException.badRequest(field(name), "required");
        }
        JsonElement e = args.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw CommandException.badRequest(field(name), "expected an integer");
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d) || Double.isInfinite(d)) {
            throw CommandException.badRequest(field(name), "expected an integer, got " + e);
        }
        long value = e.getAsLong();
        if (value < min || value > max) {
            throw CommandException.badRequest(field(name), value + " is outside [" + min + ", " + max + "]");
        }
        return value;
    }

    public boolean bool(String name, boolean fallback) throws CommandException {
        if (!has(name)) {
            return fallback;
        }
        JsonElement e = args.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw CommandException.badRequest(field(name), "expected true or false");
        }
        return e.getAsBoolean();
    }

    public JsonObject object(String name) throws CommandException {
        if (!has(name)) {
            return null;
        }
        JsonElement e = args.get(name);
        if (!e.isJsonObject()) {
            throw CommandException.badRequest(field(name), "expected an object");
        }
        return e.getAsJsonObject();
    }

    public JsonArray array(String name) throws CommandException {
        if (!has(name)) {
            throw CommandException.badRequest(field(name), "required");
        }
        JsonElement e = args.get(name);
        if (!e.isJsonArray()) {
            throw CommandException.badRequest(field(name), "expected an array");
        }
        return e.getAsJsonArray();
    }

    /** An object of scalar values as text, for settings like hyperparameters. */
    public Map<String, String> scalars(String name) throws CommandException {
        JsonObject object = object(name);
        Map<String, String> values = new LinkedHashMap<>();
        if (object == null) {
            return values;
        }
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            if (!e.getValue().isJsonPrimitive()) {
                throw CommandException.badRequest(field(name) + "." + e.getKey(), "expected a string, number or boolean");
            }
            JsonPrimitive p = e.getValue().getAsJsonPrimitive();
            values.put(e.getKey(), p.isNumber() ? p.getAsNumber().toString() : p.getAsString());
        }
        return values;
    }
}
