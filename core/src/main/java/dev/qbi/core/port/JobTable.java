package dev.qbi.core.port;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import java.util.Optional;

/** The job table: one row per job, every state change a conditional write on its version. */
public interface JobTable {

  /**
   * Inserts a job unless a row with its id exists.
   *
   * @return true if inserted, false if the id was already there (not an error)
   */
  boolean insertIfAbsent(Job job);

  Optional<Job> find(JobId id);

  /**
   * Replaces the row of {@code next.id()} with {@code next} only if the stored row is still at
   * version {@code next.version() - 1} (compute {@code next} with {@link Job#next}).
   *
   * @return true if this call made the change; false if someone else got there first
   */
  boolean update(Job next);

  /** What {@link #complete} did. */
  enum Completion {
    /** The row was no longer at the expected version: nothing written. */
    CONFLICT,
    /** The completion is written; the delivery is still to be settled on the queue. */
    WRITTEN,
    /** The completion is written and the delivery acknowledged in the same write. */
    WRITTEN_AND_ACKNOWLEDGED
  }

  /**
   * Writes a job's completion as {@link #update} does. A table that shares one store with the queue
   * that made {@code delivery} also deletes the delivered message in the same write, so that a job
   * is never {@code complete} while its message is still queued; the default writes only.
   */
  default Completion complete(Job done, Delivery delivery) {
    return update(done) ? Completion.WRITTEN : Completion.CONFLICT;
  }

  /** The owner's jobs, newest first. */
  Page<Job> listByOwner(
      Owner owner, Optional<JobStatus> status, int limit, Optional<String> cursor);
}
