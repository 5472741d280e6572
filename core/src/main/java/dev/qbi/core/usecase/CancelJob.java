package dev.qbi.core.usecase;

import dev.qbi.core.error.ConflictException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobTable;
import java.time.Clock;
import java.util.Objects;

/**
 * {@code DELETE /jobs/{id}} by the job's owner. A {@code submitted} job becomes {@code cancelled}
 * at once and never runs (its message, when delivered, finds it terminal). A {@code processing} job
 * is marked {@link Job#isCancelRequested() cancel-requested}: the worker running it stops the
 * handler and records {@code cancelled}. A finished job cannot be cancelled.
 */
public final class CancelJob {

  /** Conditional writes lost in a row before giving up (the job keeps changing under us). */
  private static final int MAX_TRIES = 5;

  private final JobTable table;
  private final Clock clock;

  public CancelJob(JobTable table, Clock clock) {
    this.table = Objects.requireNonNull(table, "table");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @return the job after the request: {@code cancelled}, or {@code processing} with the cancel
   *     requested
   * @throws JobNotFoundException for an unknown id and for another owner's job
   * @throws ConflictException when the job is already complete, failed or cancelled
   */
  public Job cancel(Owner caller, JobId id) {
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      Job job =
          table
              .find(id)
              .filter(j -> j.isOwnedBy(caller))
              .orElseThrow(() -> new JobNotFoundException(JobStatusQuery.notFoundMessage(id)));
      Job next =
          switch (job.status()) {
            case SUBMITTED ->
                job.next(JobStatus.CANCELLED, clock.instant(), job.attempts(), null, null);
            case PROCESSING ->
                job.isCancelRequested() ? null : job.cancelRequested(clock.instant());
            case COMPLETE, FAILED, CANCELLED ->
                throw new ConflictException(
                    "Job "
                        + id
                        + " is already "
                        + job.status().wireName()
                        + " and cannot be cancelled");
          };
      if (next == null || table.update(next)) {
        return next == null ? job : next;
      }
    }
    throw new ConflictException("Job " + id + " is changing too fast to be cancelled; try again");
  }
}
