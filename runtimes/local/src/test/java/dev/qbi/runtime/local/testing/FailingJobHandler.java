package dev.qbi.runtime.local.testing;

import dev.qbi.core.port.JobHandler;

/** Business logic that always throws: for the retry / dead-letter path. */
public final class FailingJobHandler implements JobHandler {
  public static final String NAME = "always-fails";
  public static final String MESSAGE = "simulated upstream outage";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Output handle(Request request) {
    throw new IllegalStateException(MESSAGE);
  }
}
