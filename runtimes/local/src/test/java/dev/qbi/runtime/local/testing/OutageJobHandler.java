package dev.qbi.runtime.local.testing;

import dev.qbi.core.port.JobHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Business logic that fails while {@link #OUTAGE} is set and succeeds once it is cleared: a
 * dependency that is down, then fixed (for the redrive path).
 */
public final class OutageJobHandler implements JobHandler {
  public static final String NAME = "outage-until-fixed";
  public static final String MESSAGE = "dependency down";

  /** Set: every attempt fails. The test that uses it sets and clears it. */
  public static final AtomicBoolean OUTAGE = new AtomicBoolean(true);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Output handle(Request request) {
    if (OUTAGE.get()) {
      throw new IllegalStateException(MESSAGE);
    }
    return new Output("{\"fixed\":true}".getBytes(StandardCharsets.UTF_8), "application/json");
  }
}
