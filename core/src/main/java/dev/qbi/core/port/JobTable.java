package dev.qbi.core.port;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import java.time.Instant;
import java.util.Optional;

/** The job table: one row per job, every state change a conditional write. */
public interface JobTable {

  /**
   * Inserts a job unless a row with its id exists.
   *
   * @return true if inserted, false if the id was already there (not an error)
   */
  boolean insertIfAbsent(Job job);

  Optional<Job> find(JobId id);

  /**
   * Moves a job from {@code expected} to {@code change.to()} only if its status is still {@code
   * expected}.
   *
   * @return true if this call made the change; false if someone else got there first
   */
  boolean transition(JobId id, JobStatus expected, Transition change);

  /** The owner's jobs, newest first. */
  Page<Job> listByOwner(
      Owner owner, Optional<JobStatus> status, int limit, Optional<String> cursor);

  /**
   * The new state of a conditional write.
   *
   * @param attempts the delivery count to record
   * @param outputKey set when completing
   * @param error set when failing (or when an attempt failed and will be retried)
   */
  record Transition(JobStatus to, Instant at, int attempts, String outputKey, String error) {}
}
