package dev.qbi.core.usecase;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.port.JobTable;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A redrive that arrives as a delivery: a runtime whose dead letters go back to the queue as the
 * same messages (SQS's {@code StartMessageMoveTask} moves them with their attributes) recognises
 * those deliveries and hands them here before {@link ProcessJob} runs them. The meaning is the one
 * an operator's redrive has everywhere: <em>run the job again as a new series of attempts</em>.
 *
 * <ul>
 *   <li>A {@code failed} job is {@link Job#redriven redriven} ({@code submitted} again, its errors
 *       and attempt count kept, {@code redrivenAt} set) by a conditional write; the delivery is
 *       then attempt 1 of the new series.
 *   <li>The attempts of the new series are counted from the job, not from the queue's receive
 *       count, which a moved message may carry on from before: a {@code submitted} job has had no
 *       attempt since the redrive (attempt 1); a {@code processing} one has had {@code attempts} of
 *       them, the number the last attempt recorded (attempt {@code attempts + 1}). So the retry
 *       limit applies to the new series as it did to the first.
 *   <li>A job that is already {@code complete} or {@code cancelled} (or has no row) is left as it
 *       is: {@link ProcessJob} acknowledges the message without running anything.
 * </ul>
 */
public final class RedriveOnDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(RedriveOnDelivery.class);

  /** Conditional writes lost in a row before handing the delivery on unchanged. */
  private static final int MAX_TRIES = 3;

  private final JobTable table;
  private final Clock clock;

  public RedriveOnDelivery(JobTable table, Clock clock) {
    this.table = Objects.requireNonNull(table, "table");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param delivery a delivery of a message that came back from the dead letters
   * @return the delivery for {@link ProcessJob}: the same message and receipt, its receive count
   *     the attempt number within the redriven series
   */
  public Delivery apply(Delivery delivery) {
    Objects.requireNonNull(delivery, "delivery");
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      Optional<Job> found = table.find(delivery.message().jobId());
      if (found.isEmpty()) {
        return delivery;
      }
      Job job = found.get();
      switch (job.status()) {
        case FAILED -> {
          if (table.update(job.redriven(clock.instant()))) {
            LOG.info(
                "job {} redriven from the dead letters after {} attempt(s)",
                job.id(),
                job.attempts());
            return withAttempt(delivery, 1);
          }
          // changed under us: judge it again as it is now
        }
        case SUBMITTED -> {
          return withAttempt(delivery, 1);
        }
        case PROCESSING -> {
          return withAttempt(delivery, job.attempts() + 1);
        }
        case COMPLETE, CANCELLED -> {
          return delivery;
        }
      }
    }
    LOG.info("job {} kept changing; its delivery goes on unchanged", delivery.message().jobId());
    return delivery;
  }

  private static Delivery withAttempt(Delivery delivery, int attempt) {
    return new Delivery(delivery.message(), delivery.receipt(), Math.max(1, attempt));
  }
}
