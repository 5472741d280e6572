package dev.qbi.core.usecase;

import java.time.Duration;

/**
 * The failure recorded for an attempt whose handler ran longer than the job timeout and was
 * interrupted: {@code JobTimeoutException: job ran longer than PT15M}. Retried like any failure.
 */
public final class JobTimeoutException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public JobTimeoutException(Duration limit) {
    super("job ran longer than " + limit);
  }
}
