package dev.qbi.runtime.lambda;

import java.time.Duration;
import java.util.Objects;

/**
 * When the job processor may still start a message. It handles a batch one message after another,
 * and each one may take as long as the simulator's timeout; a message started too close to the end
 * of the processor's own timeout would be cut off with its job left {@code processing}. So the
 * processor starts a message only while the invocation has at least {@link #needed()} left: the
 * Invoke's read timeout ({@link #invokeTimeout()}: the simulator's timeout plus the margin) plus
 * the margin again, for the table writes around it and the batch response.
 *
 * @param simulatorTimeout the batch-simulator function's timeout ({@code
 *     SIMULATOR_TIMEOUT_SECONDS}, the same number as its {@code Timeout} in the template)
 * @param margin slack for the Invoke's own overhead and for the writes around it ({@code
 *     DEADLINE_MARGIN_SECONDS})
 */
record ProcessorDeadline(Duration simulatorTimeout, Duration margin) {

  /** The simulator's timeout when {@code SIMULATOR_TIMEOUT_SECONDS} is not set. */
  static final long DEFAULT_SIMULATOR_TIMEOUT_SECONDS = 60;

  /** The margin when {@code DEADLINE_MARGIN_SECONDS} is not set. */
  static final long DEFAULT_MARGIN_SECONDS = 10;

  ProcessorDeadline {
    Objects.requireNonNull(simulatorTimeout, "simulatorTimeout");
    Objects.requireNonNull(margin, "margin");
    if (simulatorTimeout.isNegative() || simulatorTimeout.isZero() || margin.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive and margin not negative");
    }
  }

  /**
   * From {@code SIMULATOR_TIMEOUT_SECONDS} (1..900) and {@code DEADLINE_MARGIN_SECONDS} (0..300).
   */
  static ProcessorDeadline from(Env env) {
    long timeout = env.number("SIMULATOR_TIMEOUT_SECONDS", DEFAULT_SIMULATOR_TIMEOUT_SECONDS);
    if (timeout < 1 || timeout > 900) {
      throw new IllegalStateException(
          "SIMULATOR_TIMEOUT_SECONDS must be in 1..900, was " + timeout);
    }
    long margin = env.number("DEADLINE_MARGIN_SECONDS", DEFAULT_MARGIN_SECONDS);
    if (margin < 0 || margin > 300) {
      throw new IllegalStateException("DEADLINE_MARGIN_SECONDS must be in 0..300, was " + margin);
    }
    return new ProcessorDeadline(Duration.ofSeconds(timeout), Duration.ofSeconds(margin));
  }

  /** How long the processor waits for the simulator's answer before failing the attempt. */
  Duration invokeTimeout() {
    return simulatorTimeout.plus(margin);
  }

  /** The time an invocation must have left to start one more message. */
  Duration needed() {
    return invokeTimeout().plus(margin);
  }

  /** Whether a message may be started with {@code remainingMillis} left in the invocation. */
  boolean allowsStart(long remainingMillis) {
    return remainingMillis >= needed().toMillis();
  }
}
