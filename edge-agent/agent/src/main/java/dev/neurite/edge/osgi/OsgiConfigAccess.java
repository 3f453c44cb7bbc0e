package dev.neurite.edge.osgi;

import dev.neurite.edge.core.CommandException;
import dev.neurite.edge.core.ConfigAccess;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code config/get|set} over ConfigurationAdmin, for the keys of {@link AgentConfig}.
 * Changes are checked against each key's type, then applied shortly after the reply has
 * been queued (the component restarts with the new settings and the outbox delivers it).
 */
final class OsgiConfigAccess implements ConfigAccess {

    private static final Logger LOG = Logger.getLogger(OsgiConfigAccess.class.getName());
    private static final Map<String, Class<?>> KEYS = new TreeMap<>();

    static {
        for (Method m : AgentConfig.class.getDeclaredMethods()) {
            KEYS.put(m.getName(), m.getReturnType());
        }
    }

    private final Supplier<ConfigurationAdmin> admin;
    private final Map<String, Object> current;
    private final ScheduledExecutorService executor;

    OsgiConfigAccess(Supplier<ConfigurationAdmin> admin, Map<String, Object> properties, ScheduledExecutorService executor) {
        this.admin = admin;
        this.current = properties;
        this.executor = executor;
    }

    @Override
    public Map<String, Object> get() {
        Map<String, Object> values = new TreeMap<>();
        for (Map.Entry<String, Class<?>> key : KEYS.entrySet()) {
            Object value = current.get(key.getKey());
            if (value != null) {
                values.put(key.getKey(), secret(key.getKey()) && !value.toString().isEmpty() ? "********" : value);
            }
        }
        return values;
    }

    static boolean secret(String key) {
        return key.toLowerCase().contains("password");
    }

    @Override
    public Map<String, Object> set(Map<String, Object> changes) throws CommandException {
        Dictionary<String, Object> update = new Hashtable<>();
        ConfigurationAdmin cm = admin.get();
        if (cm == null) {
            throw new CommandException(503, "unavailable", "ConfigurationAdmin is not available", null);
        }
        Configuration configuration;
        try {
            configuration = cm.getConfiguration(AgentComponent.PID, "?");
            Dictionary<String, Object> existing = configuration.getProperties();
            if (existing != null) {
                for (var keys = existing.keys(); keys.hasMoreElements(); ) {
                    String k = keys.nextElement();
                    update.put(k, existing.get(k));
                }
            }
        } catch (IOException e) {
            throw new CommandException(500, "internal-error", "cannot read the configuration: " + e.getMessage(), null);
        }
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            update.put(change.getKey(), convert(change.getKey(), change.getValue()));
        }
        executor.schedule(() -> {
            try {
                configuration.update(update);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "applying the configuration failed", e);
            }
        }, 500, TimeUnit.MILLISECONDS);
        Map<String, Object> applied = new TreeMap<>();
        changes.forEach((k, v) -> applied.put(k, secret(k) ? "********" : v));
        return Map.of("applying", applied);
    }

    static Object convert(String key, Object value) throws CommandException {
        Class<?> type = KEYS.get(key);
        String field = "args.properties." + key;
        if (type == null) {
            throw CommandException.badRequest(field, "unknown setting; known: " + KEYS.keySet());
        }
        if (type == String.class && value instanceof String) {
            return value;
        }
        if (type == boolean.class && value instanceof Boolean) {
            return value;
        }
        if ((type == int.class || type == long.class) && value instanceof Long l) {
            if (l < 0 || (type == int.class && l > Integer.MAX_VALUE)) {
                throw CommandException.badRequest(field, "out of range: " + l);
            }
            return type == int.class ? (Object) l.intValue() : (Object) l;
        }
        if (type == String[].class) {
            if (value instanceof String[]) {
                return value;
            }
            if (value instanceof String s) {
                return s.isBlank() ? new String[0] : s.split("\\s*,\\s*");
            }
        }
        throw CommandException.badRequest(field, "expected " + (type == String[].class ? "a list of strings"
                : type.getSimpleName()));
    }
}
