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

  /** What {@link #complete} or {@link #failForGood} did. */
  enum FinalWrite {
    /** The row was no longer at the expected version: nothing written. */
    CONFLICT,
    /** The job is written; the delivery is still to be settled on the queue. */
    WRITTEN,
    /** The job is written and the delivery settled on the queue in the same write. */
    WRITTEN_AND_SETTLED
  }

  /**
   * Writes a job's completion as {@link #update} does. A table that shares one store with the queue
   * that made {@code delivery} also deletes the delivered message in the same write, so that a job
   * is never {@code complete} while its message is still queued; the default writes only.
   */
  default FinalWrite complete(Job done, Delivery delivery) {
    return update(done) ? FinalWrite.WRITTEN : FinalWrite.CONFLICT;
  }

  /**
   * Writes a job that failed for good ({@code failed}) as {@link #update} does. A table that shares
   * one store with the queue that made {@code delivery} also moves the message to the dead letters
   * with {@code reason} in the same write, so that a {@code failed} job always has its dead letter;
   * the default writes only.
   */
  default FinalWrite failForGood(Job failed, Delivery delivery, String reason) {
    return update(failed) ? FinalWrite.WRITTEN : FinalWrite.CONFLICT;
  }

  /** The owner's jobs, newest first. */
  Page<Job> listByOwner(
      Owner owner, Optional<JobStatus> status, int limit, Optional<String> cursor);
}
