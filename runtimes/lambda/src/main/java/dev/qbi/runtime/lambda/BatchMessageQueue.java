package dev.qbi.runtime.lambda;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.port.JobQueue;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JobQueue} that {@link dev.qbi.core.usecase.ProcessJob} sees for one message of a
 * Lambda SQS batch. On Lambda the event source mapping owns the messages: it deletes every message
 * not reported in {@code batchItemFailures} and leaves the reported ones to reappear. So:
 *
 * <ul>
 *   <li>{@link #acknowledge}: recorded only; the message counts as a success (Lambda deletes it);
 *   <li>{@link #retryLater}: recorded (the message is reported as a failure) and, best effort, its
 *       visibility set to the backoff delay on the real queue, so the retry comes after the backoff
 *       instead of after the whole visibility timeout;
 *   <li>{@link #deadLetter}: done at once on the real queue (copy to the DLQ with the reason,
 *       delete the original), then counts as a success.
 * </ul>
 *
 * A message for which no decision was recorded (the job changed under us) is reported as a failure:
 * it is delivered again and re-evaluated.
 */
final class BatchMessageQueue implements JobQueue {

  private static final Logger LOG = LoggerFactory.getLogger(BatchMessageQueue.class);

  /** What becomes of the message in the batch response. */
  enum Decision {
    /** No queue call was made: report as a failure, it will be re-evaluated on redelivery. */
    NONE,
    ACKNOWLEDGED,
    RETRY,
    DEAD_LETTERED;

    boolean reportAsFailure() {
      return this == NONE || this == RETRY;
    }
  }

  private final JobQueue queue;
  private Decision decision = Decision.NONE;

  /**
   * @param queue the real queue (the job queue with its DLQ) for visibility changes and dead
   *     letters
   */
  BatchMessageQueue(JobQueue queue) {
    this.queue = Objects.requireNonNull(queue, "queue");
  }

  Decision decision() {
    return decision;
  }

  @Override
  public void send(JobMessage message) {
    throw new UnsupportedOperationException("the job processor never sends jobs");
  }

  @Override
  public List<Delivery> receive(int max, Duration visibility, Duration wait) {
    throw new UnsupportedOperationException("Lambda's event source receives the messages");
  }

  @Override
  public void acknowledge(Delivery delivery) {
    decision = Decision.ACKNOWLEDGED;
  }

  @Override
  public void retryLater(Delivery delivery, Duration delay) {
    decision = Decision.RETRY;
    try {
      queue.retryLater(delivery, delay);
    } catch (RuntimeException e) {
      // the message is reported as a failure anyway: it comes back after the visibility timeout
      LOG.warn(
          "job {}: could not shorten the visibility for the backoff: {}",
          delivery.message().jobId(),
          e.toString());
    }
  }

  @Override
  public void deadLetter(Delivery delivery, String reason) {
    queue.deadLetter(delivery, reason);
    decision = Decision.DEAD_LETTERED;
  }

  @Override
  public long depth() {
    return queue.depth();
  }
}
