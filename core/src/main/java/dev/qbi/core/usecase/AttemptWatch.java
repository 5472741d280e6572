package dev.qbi.core.usecase;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link ProcessJob} tells a runtime's watch over a delivery when the business logic runs, and
 * learns whether the watch stopped it. A watch interrupts the thread that runs the handler (the
 * thread that called {@link ProcessJob#process(dev.qbi.core.job.Delivery, AttemptWatch)}), and only
 * between {@link #handlerStarting()} and {@link #handlerEnded()}, so an interruption never lands on
 * a write to the job table. {@link LeaseKeeper.Watch} is the one that stretches the lease, cancels
 * and times out; {@link #NONE} watches nothing.
 */
public interface AttemptWatch {

  /** Watches nothing: the handler is never stopped. */
  AttemptWatch NONE =
      new AttemptWatch() {
        @Override
        public void handlerStarting() {}

        @Override
        public Optional<Stop> handlerEnded() {
          return Optional.empty();
        }
      };

  /** The handler is about to run on the calling thread: from now on it may be interrupted. */
  void handlerStarting();

  /**
   * The handler returned or threw; called on the thread that ran it. No interruption is delivered
   * after this returns, and one this watch delivered is cleared from the thread.
   *
   * @return why the watch stopped the handler, if it did
   */
  Optional<Stop> handlerEnded();

  /** Why a handler was interrupted. */
  sealed interface Stop {}

  /** The job's owner asked to cancel it. */
  record CancelRequested() implements Stop {}

  /** The handler ran longer than {@code limit}, the job timeout. */
  record TimedOut(Duration limit) implements Stop {
    public TimedOut {
      Objects.requireNonNull(limit, "limit");
    }
  }
}
