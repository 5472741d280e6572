package dev.qbi.runtime.local.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobInbox;
import dev.qbi.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's statistics: what {@link JobActivity} sees and how {@link StatsHistory} keeps it.
 */
class StatsHistoryTest {
  private final MutableClock clock = MutableClock.startingAt("2034-01-01T00:00:00Z");
  private final JobActivity activity = new JobActivity(clock);
  private final AtomicLong depth = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();

  private StatsHistory history(Duration interval, Duration window) {
    return new StatsHistory(activity, depth::get, dead::get, clock, interval, window);
  }

  private static Delivery delivery(Instant sentAt) {
    return new Delivery(
        new JobMessage(JobId.random(), new Owner("u1"), new byte[0], sentAt), "receipt", 1);
  }

  /** An inbox that settles whatever it is given as {@code accepted} says. */
  private static JobInbox inbox(boolean accepted) {
    return new JobInbox() {
      @Override
      public List<Delivery> receive(int max, Duration visibility, Duration wait) {
        return List.of();
      }

      @Override
      public boolean settle(Delivery delivery, Decision decision) {
        return accepted;
      }

      @Override
      public boolean extendLease(Delivery delivery, Duration visibility) {
        return true;
      }

      @Override
      public long depth() {
        return 7;
      }
    };
  }

  @Test
  void completions_are_counted_and_timed_from_submit_and_nothing_else_is() {
    JobInbox observed = activity.observe(inbox(true));
    Instant now = clock.instant();

    assertThat(observed.settle(delivery(now.minusMillis(1500)), new Decision.Completed("k")))
        .isTrue();
    observed.settle(delivery(now.minusSeconds(9)), new Decision.DeadLetter("boom"));
    observed.settle(delivery(now.minusSeconds(9)), new Decision.RetryAfter(Duration.ZERO, "x"));
    activity.observe(inbox(false)).settle(delivery(now), new Decision.Completed("stale"));

    assertThat(activity.completed()).isEqualTo(1);
    assertThat(activity.drainLatencies()).containsExactly(1500L);
    assertThat(activity.drainLatencies()).isEmpty();
    assertThat(observed.depth()).isEqualTo(7);
  }

  @Test
  void jobs_in_flight_are_the_handler_calls_under_way() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    JobHandler slow =
        activity.observe(
            new JobHandler() {
              @Override
              public String name() {
                return "slow";
              }

              @Override
              public Output handle(Request request) throws Exception {
                running.countDown();
                release.await();
                throw new IllegalStateException("fails after all");
              }
            });
    assertThat(slow.name()).isEqualTo("slow");
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    slow.handle(
                        new JobHandler.Request(JobId.random(), new Owner("u"), new byte[0]));
                  } catch (Exception expected) {
                    // the count goes down all the same
                  }
                });
    running.await();
    assertThat(activity.inFlight()).isEqualTo(1);
    release.countDown();
    t.join();
    assertThat(activity.inFlight()).isZero();
  }

  @Test
  void a_sample_has_the_depths_the_throughput_and_the_latency_percentiles_since_the_last() {
    StatsHistory history = history(Duration.ofSeconds(5), Duration.ofMinutes(10));
    depth.set(12);
    dead.set(3);
    for (int i = 1; i <= 20; i++) {
      activity.recordCompleted(Duration.ofMillis(i * 100L));
    }
    clock.advance(Duration.ofSeconds(30));

    StatsHistory.Sample s = history.sample();

    assertThat(s.queueDepth()).isEqualTo(12);
    assertThat(s.deadLetters()).isEqualTo(3);
    assertThat(s.completed()).isEqualTo(20);
    assertThat(s.throughputPerMinute()).isEqualTo(40.0); // 20 in 30 s
    assertThat(s.latencyCount()).isEqualTo(20);
    assertThat(s.latencyP50Ms()).isEqualTo(1000);
    assertThat(s.latencyP95Ms()).isEqualTo(1900);
    assertThat(s.latencyMaxMs()).isEqualTo(2000);

    clock.advance(Duration.ofSeconds(5));
    StatsHistory.Sample quiet = history.sample();
    assertThat(quiet.throughputPerMinute()).isZero();
    assertThat(quiet.latencyCount()).isZero();
    assertThat(quiet.latencyP50Ms()).isNull();
    assertThat(quiet.completed()).isEqualTo(20);
    assertThat(history.current().throughputPerMinute()).isZero();
  }

  @Test
  void the_buffer_keeps_the_last_window_of_samples_oldest_first() {
    StatsHistory history = history(Duration.ofSeconds(5), Duration.ofSeconds(20));
    assertThat(history.capacity()).isEqualTo(4);
    for (int i = 0; i < 6; i++) {
      depth.set(i);
      clock.advance(Duration.ofSeconds(5));
      history.sample();
    }
    assertThat(history.samples())
        .extracting(StatsHistory.Sample::queueDepth)
        .containsExactly(2L, 3L, 4L, 5L);
    assertThat(history.current().queueDepth()).isEqualTo(5);
  }

  @Test
  void a_burst_keeps_a_bounded_sample_of_latencies() {
    for (int i = 0; i < 3 * JobActivity.MAX_LATENCY_SAMPLES; i++) {
      activity.recordCompleted(Duration.ofMillis(i));
    }
    assertThat(activity.completed()).isEqualTo(3L * JobActivity.MAX_LATENCY_SAMPLES);
    assertThat(activity.drainLatencies()).hasSize(JobActivity.MAX_LATENCY_SAMPLES).isSorted();
  }

  @Test
  void percentiles_are_nearest_rank() {
    assertThat(StatsHistory.percentile(new long[] {5}, 95)).isEqualTo(5);
    assertThat(StatsHistory.percentile(new long[] {1, 2, 3, 4}, 50)).isEqualTo(2);
    assertThat(StatsHistory.percentile(new long[0], 50)).isNull();
  }

  @Test
  void the_interval_must_fit_the_window() {
    assertThatThrownBy(() -> history(Duration.ZERO, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> history(Duration.ofMinutes(2), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sampling_in_the_background_fills_the_buffer_until_closed() throws Exception {
    try (StatsHistory history =
        new StatsHistory(
            activity, depth::get, dead::get, clock, Duration.ofMillis(20), Duration.ofSeconds(1))) {
      history.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (history.samples().size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(history.samples()).hasSizeGreaterThanOrEqualTo(3);
    }
  }
}
