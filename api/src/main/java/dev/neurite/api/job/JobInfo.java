package dev.neurite.api.job;

import java.time.Instant;

/**
 * What is known of a job now.
 *
 * @param id               job id
 * @param request          the request as submitted
 * @param algorithmVersion version of the algorithm that ran it, or {@code null} before it started
 * @param state            life-cycle state
 * @param reason           why it is in this state (always set for terminal states)
 * @param createdAt        submission time
 * @param startedAt        time it last started running, or {@code null}
 * @param endedAt          time it ended, or {@code null}
 * @param progress         latest progress, or {@code null} before the first step
 * @param model            {@code name:version} of the stored result, or {@code null}
 * @param resumedFromStep  step of the checkpoint the last run resumed from, 0 for a fresh start
 * @param accelerator      id of the device it runs or ran on, or {@code null}
 */
public record JobInfo(String id, JobRequest request, String algorithmVersion, JobState state, String reason,
                      Instant createdAt, Instant startedAt, Instant endedAt, JobProgress progress, String model,
                      long resumedFromStep, String accelerator) {
}
