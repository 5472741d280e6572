package dev.qbi.core.job;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A job's row in the job table.
 *
 * @param outputKey the payload-store key of the output, set once complete
 * @param error the last failure ({@code Type: message}), kept when the job has failed
 */
public record Job(
    JobId id,
    Owner owner,
    JobStatus status,
    Instant submittedAt,
    Instant updatedAt,
    int attempts,
    String payloadMd5,
    String outputKey,
    String error) {

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(submittedAt, "submittedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** A freshly accepted job. */
  public static Job submitted(JobId id, Owner owner, String payloadMd5, Instant now) {
    return new Job(id, owner, JobStatus.SUBMITTED, now, now, 0, payloadMd5, null, null);
  }

  public Optional<String> output() {
    return Optional.ofNullable(outputKey);
  }

  public Optional<String> failure() {
    return Optional.ofNullable(error);
  }

  public boolean isOwnedBy(Owner who) {
    return owner.equals(who);
  }
}
