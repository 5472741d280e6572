package dev.qbi.core.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The job lifecycle: {@code submitted -> processing -> complete | failed}, and {@code cancelled}
 * from {@code submitted} or {@code processing}. Terminal states never change again, with one
 * exception an operator asks for: a redrive moves a {@code failed} job back to {@code submitted}
 * (see {@link Job#redriven}).
 */
public enum JobStatus {
  SUBMITTED,
  PROCESSING,
  COMPLETE,
  FAILED,
  CANCELLED;

  /** The wire name used by the HTTP API and the stores ({@code "submitted"}, ...). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<JobStatus> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
  }

  public boolean isTerminal() {
    return this == COMPLETE || this == FAILED || this == CANCELLED;
  }

  /** The explicit transition table. {@code PROCESSING -> PROCESSING} is a redelivery retry. */
  public Set<JobStatus> allowedNext() {
    return switch (this) {
      case SUBMITTED -> Set.of(PROCESSING, FAILED, CANCELLED);
      case PROCESSING -> Set.of(PROCESSING, COMPLETE, FAILED, CANCELLED);
      case COMPLETE, FAILED, CANCELLED -> Set.of();
    };
  }

  public boolean canTransitionTo(JobStatus next) {
    return allowedNext().contains(next);
  }

  /**
   * @throws IllegalStateException when the transition is not in the table
   */
  public void checkTransitionTo(JobStatus next) {
    if (!canTransitionTo(next)) {
      throw new IllegalStateException(
          "illegal job transition " + wireName() + " -> " + next.wireName());
    }
  }
}
