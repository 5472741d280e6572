package dev.qbi.core.port;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobMessage;
import java.time.Duration;
import java.util.List;

/**
 * A durable, at-least-once queue with leases (visibility timeout), receive counts and a dead-letter
 * queue.
 */
public interface JobQueue {

  /** Enqueues durably: when this returns, the message survives a crash of this process. */
  void send(JobMessage message);

  /**
   * Leases up to {@code max} visible messages for {@code visibility}, waiting up to {@code wait}
   * for one to arrive. A message not acknowledged before its lease ends is delivered again.
   */
  List<Delivery> receive(int max, Duration visibility, Duration wait) throws InterruptedException;

  /** Deletes a delivered message. A stale receipt (lease lost) is ignored. */
  void acknowledge(Delivery delivery);

  /** Makes a delivered message visible again after {@code delay} (retry with backoff). */
  void retryLater(Delivery delivery, Duration delay);

  /** Moves a delivered message to the dead-letter queue, recording why. */
  void deadLetter(Delivery delivery, String reason);

  /** Messages waiting or in flight (for metrics and health). */
  long depth();
}
