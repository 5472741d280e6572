package dev.qbi.core.job;

import java.util.Objects;

/**
 * One delivery of a queue message to a worker.
 *
 * @param receipt opaque handle proving the current lease (SQS receipt handle / lease token)
 * @param receiveCount how many times the message has been delivered, this one included
 */
public record Delivery(JobMessage message, String receipt, int receiveCount) {
  public Delivery {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(receipt, "receipt");
    if (receiveCount < 1) {
      throw new IllegalArgumentException("receiveCount must be >= 1");
    }
  }
}
