package dev.neurite.api.job;

import org.osgi.annotation.versioning.ProviderType;

import java.util.List;
import java.util.Optional;

/**
 * Runs training jobs on a bounded pool of workers. Jobs survive restarts: an unfinished job
 * resumes from its last checkpoint when the runtime comes back.
 */
@ProviderType
public interface JobManager {

    /**
     * Validates and queues a job. Nothing is queued when validation fails.
     *
     * @throws InvalidRequestException naming the field at fault
     */
    JobInfo submit(JobRequest request);

    /** Cancels a queued or running job; returns its state afterwards, empty if unknown. */
    Optional<JobInfo> cancel(String jobId, String reason);

    /** The job with this id. */
    Optional<JobInfo> get(String jobId);

    /** All known jobs, newest first. */
    List<JobInfo> list();

    /** The job's log lines, oldest first. */
    List<String> log(String jobId);
}
