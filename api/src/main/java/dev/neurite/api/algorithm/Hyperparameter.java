package dev.neurite.api.algorithm;

import dev.neurite.api.job.InvalidRequestException;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A declared, typed hyperparameter: its default, its allowed range or choices, and what it
 * does. Consoles build their forms from these declarations, and every raw value a user
 * gives is checked by {@link #parse(String)} before a job is queued.
 *
 * @param name         key users type, for example {@code learningRate}
 * @param type         value type
 * @param description  one line on what it does
 * @param defaultValue default in its text form
 * @param min          inclusive lower bound for numbers, or {@code null}
 * @param max          inclusive upper bound for numbers, or {@code null}
 * @param choices      allowed values for {@link HyperparameterType#CHOICE}, otherwise empty
 */
public record Hyperparameter(String name, HyperparameterType type, String description, String defaultValue,
                             Double min, Double max, List<String> choices) {

    public Hyperparameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (type == HyperparameterType.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException(name + ": a choice needs choices");
        }
    }

    public static Hyperparameter ofInt(String name, int defaultValue, int min, int max, String description) {
        return new Hyperparameter(name, HyperparameterType.INT, description, Integer.toString(defaultValue),
                (double) min, (double) max, List.of());
    }

    public static Hyperparameter ofDouble(String name, double defaultValue, double min, double max, String description) {
        return new Hyperparameter(name, HyperparameterType.DOUBLE, description, Double.toString(defaultValue),
                min, max, List.of());
    }

    public static Hyperparameter ofBoolean(String name, boolean defaultValue, String description) {
        return new Hyperparameter(name, HyperparameterType.BOOLEAN, description, Boolean.toString(defaultValue),
                null, null, List.of());
    }

    public static Hyperparameter ofChoice(String name, String defaultValue, List<String> choices, String description) {
        return new Hyperparameter(name, HyperparameterType.CHOICE, description, defaultValue, null, null, choices);
    }

    /**
     * Parses and checks a raw value.
     *
     * @return an Integer, Double, Boolean or String according to {@link #type()}
     * @throws InvalidRequestException naming this hyperparameter when the value is not allowed
     */
    public Object parse(String raw) {
        if (raw == null) {
            throw new InvalidRequestException(name, "a value is required");
        }
        String value = raw.trim();
        switch (type) {
            case INT -> {
                long parsed;
                try {
                    parsed = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException(name, "expected an integer, got '" + raw + "'");
                }
                checkRange(parsed, raw);
                return (int) parsed;
            }
            case DOUBLE -> {
                double parsed;
                try {
                    parsed = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException(name, "expected a number, got '" + raw + "'");
                }
                if (!Double.isFinite(parsed)) {
                    throw new InvalidRequestException(name, "expected a finite number, got '" + raw + "'");
                }
                checkRange(parsed, raw);
                return parsed;
            }
            case BOOLEAN -> {
                String lower = value.toLowerCase(Locale.ROOT);
                if (!lower.equals("true") && !lower.equals("false")) {
                    throw new InvalidRequestException(name, "expected true or false, got '" + raw + "'");
                }
                return Boolean.parseBoolean(lower);
            }
            case CHOICE -> {
                if (!choices.contains(value)) {
                    throw new InvalidRequestException(name, "expected one of " + choices + ", got '" + raw + "'");
                }
                return value;
            }
            default -> {
                return value;
            }
        }
    }

    private void checkRange(double value, String raw) {
        if ((min != null && value < min) || (max != null && value > max)) {
            throw new InvalidRequestException(name, "'" + raw + "' is outside [" + format(min) + ", " + format(max) + "]");
        }
    }

    private String format(Double bound) {
        if (bound == null) {
            return "unbounded";
        }
        return type == HyperparameterType.INT ? Long.toString(bound.longValue()) : bound.toString();
    }
}
