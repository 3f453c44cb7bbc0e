package dev.neurite.api.algorithm;

import java.util.Map;

/**
 * What one optimisation step reports.
 *
 * @param loss    the step's training loss (for local rules, the sum of the layer losses)
 * @param samples examples the step consumed
 * @param metrics extra figures, for example per-layer losses as {@code layer1.loss}
 */
public record StepResult(double loss, int samples, Map<String, Double> metrics) {

    public StepResult {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
