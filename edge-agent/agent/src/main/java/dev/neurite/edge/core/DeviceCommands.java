package dev.neurite.edge.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** {@code device/info} and {@code config/get|set}. */
public final class DeviceCommands {

    private final Supplier<JsonObject> info;
    private final ConfigAccess config;

    public DeviceCommands(Supplier<JsonObject> info, ConfigAccess config) {
        this.info = info;
        this.config = config;
    }

    public void register(CommandDispatcher d) {
        d.register("device", "info", args -> info.get());
        d.register("config", "get", args -> Json.tree(config.get()));
        d.register("config", "set", args -> {
            JsonObject properties = args.object("properties");
            if (properties == null || properties.isEmpty()) {
                throw CommandException.badRequest("args.properties", "required: an object of settings to change");
            }
            Map<String, Object> changes = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : properties.entrySet()) {
                changes.put(e.getKey(), plain(e.getValue(), "args.properties." + e.getKey()));
            }
            return Json.tree(config.set(changes));
        });
    }

    private static Object plain(JsonElement e, String field) throws CommandException {
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) {
                return p.getAsBoolean();
            }
            if (p.isNumber()) {
                double d = p.getAsDouble();
                return d == Math.rint(d) && Math.abs(d) < 9e15 ? (Object) p.getAsLong() : (Object) d;
            }
            return p.getAsString();
        }
        if (e.isJsonArray()) {
            String[] values = new String[e.getAsJsonArray().size()];
            for (int i = 0; i < values.length; i++) {
                JsonElement item = e.getAsJsonArray().get(i);
                if (!item.isJsonPrimitive()) {
                    throw CommandException.badRequest(field + "[" + i + "]", "expected a string");
                }
                values[i] = item.getAsString();
            }
            return values;
        }
        throw CommandException.badRequest(field, "expected a string, number, boolean or array of strings");
    }
}
