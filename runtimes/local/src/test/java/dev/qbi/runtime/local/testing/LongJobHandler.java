package dev.qbi.runtime.local.testing;

import dev.qbi.core.port.JobHandler;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A long job: {@link #STEPS} steps, each {@link #REAL_STEP} of real time (sleeping: the lease must
 * be kept meanwhile) and {@link #SIMULATED_STEP} of the server's clock ({@link #CLOCK}, which the
 * test gives the server). Counts its runs.
 */
public final class LongJobHandler implements JobHandler {
  public static final String NAME = "long-job";
  public static final int STEPS = 20;
  public static final Duration REAL_STEP = Duration.ofMillis(1_250);
  public static final Duration SIMULATED_STEP = Duration.ofMinutes(1);

  public static final AtomicReference<MutableClock> CLOCK = new AtomicReference<>();
  public static final AtomicInteger RUNS = new AtomicInteger();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Output handle(Request request) throws InterruptedException {
    RUNS.incrementAndGet();
    for (int i = 0; i < STEPS; i++) {
      Thread.sleep(REAL_STEP.toMillis());
      CLOCK.get().advance(SIMULATED_STEP);
    }
    return new Output(
        ("{\"steps\":" + STEPS + "}").getBytes(StandardCharsets.UTF_8), "application/json");
  }
}
