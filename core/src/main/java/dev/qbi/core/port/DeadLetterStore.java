package dev.qbi.core.port;

import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Page;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The dead letters of a runtime that keeps them itself (the local one: a table beside its queue),
 * for operators. What may be redriven is decided by the use case {@link
 * dev.qbi.core.usecase.ManageDeadLetters}; this port only stores and moves.
 */
public interface DeadLetterStore {

  /** Dead letters held. */
  long depth();

  /**
   * Dead letters, oldest first.
   *
   * @param cursor the {@code next} of the previous page, or empty for the first
   * @throws dev.qbi.core.error.InvalidRequestException for a cursor this store did not make
   */
  Page<DeadLetter> list(int limit, Optional<String> cursor);

  /** The latest dead letter of {@code job}, if it has one. */
  Optional<DeadLetter> find(JobId job);

  /**
   * Redrives jobs: for each of {@code next} (a job as {@link Job#redriven} made it), atomically,
   * only if the job still has a dead letter and its row is still at version {@code next.version() -
   * 1}: the row becomes {@code next}, the job's latest dead letter goes back to the queue, visible
   * at once with a receive count of 0, and every dead letter of the job is removed. A job that does
   * not qualify is left exactly as it was.
   *
   * @return the jobs that were redriven
   */
  Set<JobId> redrive(List<Job> next);

  /**
   * Removes the dead letters of {@code job} for good; the job itself is left as it is.
   *
   * @return how many were removed (0 when it had none)
   */
  int purge(JobId job);

  /**
   * Removes up to {@code max} of the oldest dead letters, for purging everything in short steps.
   *
   * @return how many were removed
   */
  int purgeOldest(int max);
}
