package dev.neurite.api.algorithm;

import dev.neurite.api.job.InvalidRequestException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validated hyperparameter values: every declared one, each given value or its default. */
public final class Hyperparameters {

    private final Map<String, Object> values;
    private final Map<String, String> raw;

    private Hyperparameters(Map<String, Object> values, Map<String, String> raw) {
        this.values = Collections.unmodifiableMap(values);
        this.raw = Collections.unmodifiableMap(raw);
    }

    /**
     * Checks {@code given} against {@code declared}: unknown keys and bad values are refused
     * with an {@link InvalidRequestException} naming the key; missing ones take their default.
     */
    public static Hyperparameters resolve(List<Hyperparameter> declared, Map<String, String> given) {
        Map<String, Hyperparameter> byName = new LinkedHashMap<>();
        for (Hyperparameter h : declared) {
            byName.put(h.name(), h);
        }
        for (String key : given.keySet()) {
            if (!byName.containsKey(key)) {
                throw new InvalidRequestException(key, "unknown hyperparameter; known: " + byName.keySet());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> raw = new LinkedHashMap<>();
        for (Hyperparameter h : declared) {
            String text = given.getOrDefault(h.name(), h.defaultValue());
            values.put(h.name(), h.parse(text));
            raw.put(h.name(), text.trim());
        }
        return new Hyperparameters(values, raw);
    }

    public int getInt(String name) {
        return (Integer) require(name);
    }

    public double getDouble(String name) {
        return (Double) require(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    public String getString(String name) {
        return (String) require(name);
    }

    /** Every value in its text form, in declaration order. */
    public Map<String, String> asStrings() {
        return raw;
    }

    private Object require(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no hyperparameter " + name + " was declared");
        }
        return value;
    }

    @Override
    public String toString() {
        return raw.toString();
    }
}
