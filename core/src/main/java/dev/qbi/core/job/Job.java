package dev.qbi.core.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A job's row in the job table.
 *
 * @param attempts attempts of the current series (since submission, or since the last redrive)
 * @param outputKey the payload-store key of the output, set once complete
 * @param errors the failures of the latest attempts ({@code Type: message}), oldest first, at most
 *     {@link #MAX_ERRORS}
 * @param version bumped by every write: each transition is conditional on the version it was
 *     computed from, so of two concurrent deliveries only one can move the job
 * @param cancelRequestedAt when its owner asked to cancel it while it was {@code processing} (the
 *     worker running it stops it and records {@code cancelled}); null otherwise
 * @param redrivenAt when an operator last redrove it from the dead letters; null if never
 * @param earlierAttempts attempts of the series before the last redrive (0 if never redriven): a
 *     job's attempt number is {@code earlierAttempts + attempts}
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
    List<String> errors,
    long version,
    Instant cancelRequestedAt,
    Instant redrivenAt,
    int earlierAttempts) {

  /** How many attempt errors a job keeps. */
  public static final int MAX_ERRORS = 5;

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(submittedAt, "submittedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    errors = errors == null ? List.of() : List.copyOf(errors);
    if (errors.size() > MAX_ERRORS) {
      errors = errors.subList(errors.size() - MAX_ERRORS, errors.size());
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0");
    }
  }

  /** A freshly accepted job, at version 0. */
  public static Job submitted(JobId id, Owner owner, String payloadMd5, Instant now) {
    return new Job(
        id, owner, JobStatus.SUBMITTED, now, now, 0, payloadMd5, null, List.of(), 0, null, null, 0);
  }

  /**
   * The next version of this job. The lifecycle's transition table is enforced here, so no store
   * can record a transition it does not allow.
   *
   * @param attemptError the failure of the attempt that led here, appended to {@link #errors}, or
   *     null
   * @throws IllegalStateException when {@code to} is not allowed after {@link #status}
   */
  public Job next(JobStatus to, Instant at, int attempts, String outputKey, String attemptError) {
    status.checkTransitionTo(to);
    List<String> nextErrors = errors;
    if (attemptError != null) {
      List<String> grown = new ArrayList<>(errors);
      grown.add(attemptError);
      nextErrors = grown;
    }
    return new Job(
        id,
        owner,
        to,
        submittedAt,
        at,
        attempts,
        payloadMd5,
        outputKey,
        nextErrors,
        version + 1,
        to == JobStatus.PROCESSING ? cancelRequestedAt : null,
        redrivenAt,
        earlierAttempts);
  }

  /**
   * This job with a cancellation requested at {@code at}, for a {@code processing} job (a {@code
   * submitted} one is simply moved to {@code cancelled}).
   *
   * @throws IllegalStateException when the job is not {@code processing}
   */
  public Job cancelRequested(Instant at) {
    if (status != JobStatus.PROCESSING) {
      throw new IllegalStateException(
          "only a processing job is asked to stop; this one is " + status.wireName());
    }
    return new Job(
        id,
        owner,
        status,
        submittedAt,
        at,
        attempts,
        payloadMd5,
        outputKey,
        errors,
        version + 1,
        at,
        redrivenAt,
        earlierAttempts);
  }

  /**
   * This {@code failed} job back to {@code submitted} for a new series of attempts, as an
   * operator's redrive does: its errors and attempt count are kept, {@code redrivenAt} records
   * when.
   *
   * @throws IllegalStateException when the job is not {@code failed}
   */
  public Job redriven(Instant at) {
    if (status != JobStatus.FAILED) {
      throw new IllegalStateException(
          "only a failed job is redriven; this one is " + status.wireName());
    }
    return new Job(
        id,
        owner,
        JobStatus.SUBMITTED,
        submittedAt,
        at,
        0,
        payloadMd5,
        null,
        errors,
        version + 1,
        null,
        at,
        earlierAttempts + attempts);
  }

  /** The number of the latest attempt over the job's whole life, redrives included. */
  public int totalAttempts() {
    return earlierAttempts + attempts;
  }

  /** Its owner asked to cancel it while it was running. */
  public boolean isCancelRequested() {
    return cancelRequestedAt != null;
  }

  public Optional<String> output() {
    return Optional.ofNullable(outputKey);
  }

  /** The latest attempt's error, or null when no attempt failed. */
  public String error() {
    return errors.isEmpty() ? null : errors.getLast();
  }

  /**
   * The error to show a client: the latest attempt's failure while the job is failed or being
   * retried; none once it completed.
   */
  public Optional<String> failure() {
    return status == JobStatus.COMPLETE ? Optional.empty() : Optional.ofNullable(error());
  }

  public boolean isOwnedBy(Owner who) {
    return owner.equals(who);
  }
}
