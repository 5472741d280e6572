package dev.qbi.core.job;

import java.time.Duration;
import java.util.Objects;

/**
 * What becomes of one delivery once {@link dev.qbi.core.usecase.ProcessJob} has handled it. The use
 * case only decides; each runtime settles the decision on its queue: the local worker pool through
 * {@link dev.qbi.core.port.JobInbox#settle}, the Lambda processor as {@code batchItemFailures} plus
 * its own dead-letter step.
 */
public sealed interface Decision {

  /** The message is done with and may be deleted from the queue. */
  boolean finishesMessage();

  /**
   * The job completed in this delivery; its output is stored under {@code outputKey}. {@code
   * settled}: the job table deleted the message together with the completion (a table and queue in
   * one store), so settling has nothing left to do.
   */
  record Completed(String outputKey, boolean settled) implements Decision {
    public Completed {
      Objects.requireNonNull(outputKey, "outputKey");
    }

    /** A completion whose message is still to be deleted. */
    public Completed(String outputKey) {
      this(outputKey, false);
    }

    @Override
    public boolean finishesMessage() {
      return true;
    }
  }

  /** The job was already terminal: the business logic did not run again. */
  record AlreadyDone(JobStatus status) implements Decision {
    public AlreadyDone {
      Objects.requireNonNull(status, "status");
    }

    @Override
    public boolean finishesMessage() {
      return true;
    }
  }

  /** The attempt failed; deliver the message again after {@code delay}. */
  record RetryAfter(Duration delay, String error) implements Decision {
    public RetryAfter {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(error, "error");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative");
      }
    }

    @Override
    public boolean finishesMessage() {
      return false;
    }
  }

  /**
   * The job is {@code failed}: move the message to the dead-letter queue with the error. {@code
   * settled}: the job table moved it together with the failure (a table and queue in one store).
   */
  record DeadLetter(String error, boolean settled) implements Decision {
    public DeadLetter {
      Objects.requireNonNull(error, "error");
    }

    /** A dead letter still to be moved. */
    public DeadLetter(String error) {
      this(error, false);
    }

    @Override
    public boolean finishesMessage() {
      return true;
    }
  }

  /**
   * The job's owner cancelled it while this delivery ran it: the handler was stopped and the job is
   * {@code cancelled}; the message is done with.
   */
  record Cancelled() implements Decision {
    @Override
    public boolean finishesMessage() {
      return true;
    }
  }

  /**
   * Another delivery changed the job first (a conditional write lost): leave the message alone; it
   * comes back when its lease ends and is judged again.
   */
  record Contended() implements Decision {
    @Override
    public boolean finishesMessage() {
      return false;
    }
  }

  /** Every {@link #label()}, for metrics registered up front. */
  java.util.List<String> LABELS =
      java.util.List.of(
          "completed", "already_done", "retry_scheduled", "failed", "cancelled", "contended");

  /**
   * A short name for logs and metrics: {@code completed}, {@code already_done}, {@code
   * retry_scheduled}, {@code failed} (dead-lettered), {@code cancelled}, {@code contended}.
   */
  default String label() {
    return switch (this) {
      case Completed c -> "completed";
      case AlreadyDone a -> "already_done";
      case RetryAfter r -> "retry_scheduled";
      case DeadLetter d -> "failed";
      case Cancelled c -> "cancelled";
      case Contended c -> "contended";
    };
  }
}
