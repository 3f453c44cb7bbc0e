package dev.neurite.api.job;

import java.util.Map;

/**
 * A snapshot of a running job's progress.
 *
 * @param epoch            current epoch, counted from 1
 * @param epochs           total epochs
 * @param step             optimisation steps done
 * @param totalSteps       total optimisation steps
 * @param loss             mean training loss over the steps since the last report
 * @param metrics          further figures: per-layer losses, evaluation accuracy at epoch ends
 * @param samplesPerSecond training throughput since the last report
 * @param etaSeconds       estimated seconds to completion, -1 when unknown
 * @param timestampMillis  when the snapshot was taken
 */
public record JobProgress(int epoch, int epochs, long step, long totalSteps, double loss,
                          Map<String, Double> metrics, double samplesPerSecond, double etaSeconds,
                          long timestampMillis) {

    public JobProgress {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
