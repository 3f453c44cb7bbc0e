package dev.neurite.api.algorithm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a learning rate changes over a run: {@link #factor} multiplies the base rate at a step.
 * Algorithms offer these by {@link #id()} as the choices of a {@code schedule} hyperparameter,
 * so every rule names and computes its schedules the same way.
 */
public enum LearningRateSchedule {
    /** The base rate throughout. */
    CONSTANT,
    /** Linear decay to zero at the last step. */
    LINEAR,
    /** Half a cosine from the base rate to zero at the last step. */
    COSINE,
    /** The base rate for the first half of the run, then linear decay to zero (Hinton's Forward-Forward code). */
    CONSTANT_THEN_LINEAR;

    /** The hyperparameter value naming this schedule, for example {@code cosine} or {@code constant-then-linear}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The factor at {@code step} of a run of {@code totalSteps}; steps past the end give the last step's factor. */
    public double factor(long step, long totalSteps) {
        double progress = Math.min(1.0, step / (double) Math.max(1, totalSteps));
        return switch (this) {
            case CONSTANT -> 1;
            case LINEAR -> 1 - progress;
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * progress));
            case CONSTANT_THEN_LINEAR -> progress < 0.5 ? 1 : 2 * (1 - progress);
        };
    }

    /** The schedule named {@code id}. */
    public static LearningRateSchedule of(String id) {
        for (LearningRateSchedule schedule : values()) {
            if (schedule.id().equals(id)) {
                return schedule;
            }
        }
        throw new IllegalArgumentException("unknown learning-rate schedule '" + id + "'; known: " + ids());
    }

    /** Every schedule's id, in declaration order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(LearningRateSchedule::id).toList();
    }
}
