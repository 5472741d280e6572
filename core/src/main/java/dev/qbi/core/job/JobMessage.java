package dev.qbi.core.job;

import java.time.Instant;
import java.util.Objects;

/**
 * What travels through the queue: the job's id (also the message id), its owner and the request
 * payload exactly as the client sent it.
 */
public record JobMessage(JobId jobId, Owner owner, byte[] body, Instant sentAt) {
  public JobMessage {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(sentAt, "sentAt");
  }
}
