package dev.qbi.runtime.local.worker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many submits the API is answering right now, so that intake wins when it competes with the
 * workers for CPU: while at least {@link #BUSY_AT} submits are in progress, the {@link WorkerPool}
 * runs only one batch at a time, and the queue absorbs the difference. A burst of submits is what
 * the queue is for; processing catches up as soon as it ends, and never stops meanwhile.
 */
public final class IntakePressure {

  /** Submits in progress from which intake counts as busy (a lone client is not a burst). */
  public static final int BUSY_AT = 4;

  private final AtomicInteger inProgress = new AtomicInteger();

  /** A submit starts; pair with {@link #end}. */
  public void begin() {
    inProgress.incrementAndGet();
  }

  /** The submit's answer is decided. */
  public void end() {
    inProgress.decrementAndGet();
  }

  public boolean busy() {
    return inProgress.get() >= BUSY_AT;
  }

  /** Submits in progress now. */
  public int inProgress() {
    return inProgress.get();
  }
}
