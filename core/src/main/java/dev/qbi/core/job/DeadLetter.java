package dev.qbi.core.job;

import java.time.Instant;
import java.util.Objects;

/**
 * A job's message that failed on its last allowed delivery and was set aside for an operator.
 *
 * @param message the message as it was queued (body, owner, when it was sent)
 * @param receiveCount deliveries before it was dead-lettered
 * @param reason why ({@code Type: message} of the last failure), or null
 * @param deadAt when it was set aside
 */
public record DeadLetter(JobMessage message, int receiveCount, String reason, Instant deadAt) {
  public DeadLetter {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(deadAt, "deadAt");
  }

  public JobId jobId() {
    return message.jobId();
  }

  /** The size of the request body it carries. */
  public int bodyBytes() {
    return message.body().length;
  }
}
