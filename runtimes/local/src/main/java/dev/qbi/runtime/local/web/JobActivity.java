package dev.qbi.runtime.local.web;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobInbox;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the workers are doing, as the dashboard's charts need it: how many jobs run right now, how
 * many completed, and how long each took from submit to complete. It watches without changing
 * anything: {@link #observe(JobHandler)} counts the handler calls under way, {@link
 * #observe(JobInbox)} sees each delivery settled as {@link Decision.Completed} and records the time
 * since its message was sent.
 *
 * <p>The latencies recorded between two {@link #drainLatencies} calls are kept in a bounded sample
 * (reservoir sampling past {@value #MAX_LATENCY_SAMPLES}), so a burst costs no more memory.
 */
public final class JobActivity {
  /** At most this many latencies are kept between two drains. */
  static final int MAX_LATENCY_SAMPLES = 4096;

  private final Clock clock;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong completed = new AtomicLong();
  private final long[] latencies = new long[MAX_LATENCY_SAMPLES];
  private int kept;
  private long seen;

  public JobActivity(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Handler calls under way now: the jobs in flight. */
  public int inFlight() {
    return running.get();
  }

  /** Deliveries settled as completed since the server started. */
  public long completed() {
    return completed.get();
  }

  /** Records one job completed {@code latency} after it was submitted. */
  void recordCompleted(Duration latency) {
    completed.incrementAndGet();
    long millis = Math.max(0, latency.toMillis());
    synchronized (latencies) {
      seen++;
      if (kept < latencies.length) {
        latencies[kept++] = millis;
      } else {
        long slot = ThreadLocalRandom.current().nextLong(seen);
        if (slot < latencies.length) {
          latencies[(int) slot] = millis;
        }
      }
    }
  }

  /** The submit→complete latencies (ms, sorted) recorded since the last call; then forgets them. */
  long[] drainLatencies() {
    long[] out;
    synchronized (latencies) {
      out = Arrays.copyOf(latencies, kept);
      kept = 0;
      seen = 0;
    }
    Arrays.sort(out);
    return out;
  }

  /** {@code handler}, counted in {@link #inFlight} while it runs. */
  public JobHandler observe(JobHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return new JobHandler() {
      @Override
      public String name() {
        return handler.name();
      }

      @Override
      public Output handle(Request request) throws Exception {
        running.incrementAndGet();
        try {
          return handler.handle(request);
        } finally {
          running.decrementAndGet();
        }
      }
    };
  }

  /** {@code inbox}, whose deliveries settled as completed are counted and timed. */
  public JobInbox observe(JobInbox inbox) {
    Objects.requireNonNull(inbox, "inbox");
    return new JobInbox() {
      @Override
      public List<Delivery> receive(int max, Duration visibility, Duration wait)
          throws InterruptedException {
        return inbox.receive(max, visibility, wait);
      }

      @Override
      public boolean settle(Delivery delivery, Decision decision) {
        boolean settled = inbox.settle(delivery, decision);
        if (settled && decision instanceof Decision.Completed) {
          recordCompleted(Duration.between(delivery.message().sentAt(), clock.instant()));
        }
        return settled;
      }

      @Override
      public boolean extendLease(Delivery delivery, Duration visibility) {
        return inbox.extendLease(delivery, visibility);
      }

      @Override
      public long depth() {
        return inbox.depth();
      }
    };
  }
}
