package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.job.JobMessage;
import java.time.Instant;
import java.util.Objects;

/**
 * A message in the dead-letter table.
 *
 * @param id the dead letter's row id
 * @param receiveCount deliveries before it was dead-lettered
 * @param reason why ({@code Type: message} of the last failure)
 */
public record DeadLetter(
    long id, JobMessage message, int receiveCount, String reason, Instant deadAt) {
  public DeadLetter {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(deadAt, "deadAt");
  }
}
