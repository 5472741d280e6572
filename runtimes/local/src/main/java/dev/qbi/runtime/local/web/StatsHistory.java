package dev.qbi.runtime.local.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last minutes of the server's activity for the dashboard's charts: a ring buffer of {@link
 * Sample}s, one taken every {@code interval} (queue depth, jobs in flight, dead letters, throughput
 * and submit→complete latency percentiles since the previous sample), holding {@code window} worth
 * of them. {@link #start} samples on a daemon thread; {@link #sample} takes one now.
 */
public final class StatsHistory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatsHistory.class);

  /** How often a sample is taken by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** How far back the samples go by default. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

  /**
   * One point of the charts.
   *
   * @param queueDepth messages waiting or in flight
   * @param inFlight jobs whose handler runs now
   * @param deadLetters messages in the dead-letter table
   * @param completed jobs completed since the server started
   * @param throughputPerMinute jobs completed per minute since the previous sample
   * @param latencyCount how many completions the latency figures are drawn from
   * @param latencyP50Ms median submit→complete time since the previous sample; null if none
   * @param latencyP95Ms 95th percentile of the same; null if none
   * @param latencyMaxMs the longest of the same (of those sampled); null if none
   */
  public record Sample(
      Instant at,
      long queueDepth,
      int inFlight,
      long deadLetters,
      long completed,
      double throughputPerMinute,
      long latencyCount,
      Long latencyP50Ms,
      Long latencyP95Ms,
      Long latencyMaxMs) {}

  private final JobActivity activity;
  private final LongSupplier queueDepth;
  private final LongSupplier deadLetters;
  private final Clock clock;
  private final Duration interval;
  private final int capacity;
  private final ArrayDeque<Sample> samples;
  private final ScheduledExecutorService timer;
  private Instant lastAt;
  private long lastCompleted;

  /**
   * @param interval time between two samples
   * @param window how far back samples are kept: {@code window / interval} of them
   */
  public StatsHistory(
      JobActivity activity,
      LongSupplier queueDepth,
      LongSupplier deadLetters,
      Clock clock,
      Duration interval,
      Duration window) {
    this.activity = Objects.requireNonNull(activity, "activity");
    this.queueDepth = Objects.requireNonNull(queueDepth, "queueDepth");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (interval.isNegative() || interval.isZero() || window.compareTo(interval) < 0) {
      throw new IllegalArgumentException("need 0 < interval <= window");
    }
    this.interval = interval;
    this.capacity = (int) Math.max(1, window.toMillis() / interval.toMillis());
    this.samples = new ArrayDeque<>(capacity);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("stats-sampler").daemon(true).unstarted(r));
    this.lastAt = clock.instant();
    this.lastCompleted = activity.completed();
  }

  /** Samples every {@code interval} until {@link #close}. */
  public void start() {
    long millis = interval.toMillis();
    timer.scheduleAtFixedRate(this::sampleQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  public Duration interval() {
    return interval;
  }

  /** How many samples are kept. */
  public int capacity() {
    return capacity;
  }

  /** Takes a sample now, dropping the oldest when the buffer is full. */
  public synchronized Sample sample() {
    Instant now = clock.instant();
    long done = activity.completed();
    double seconds = Math.max(0.001, Duration.between(lastAt, now).toMillis() / 1000.0);
    double perMinute = Math.max(0, done - lastCompleted) * 60.0 / seconds;
    long[] latencies = activity.drainLatencies();
    Sample s =
        new Sample(
            now,
            queueDepth.getAsLong(),
            activity.inFlight(),
            deadLetters.getAsLong(),
            done,
            Math.round(perMinute * 10) / 10.0,
            latencies.length,
            percentile(latencies, 50),
            percentile(latencies, 95),
            latencies.length == 0 ? null : latencies[latencies.length - 1]);
    lastAt = now;
    lastCompleted = done;
    if (samples.size() == capacity) {
      samples.removeFirst();
    }
    samples.addLast(s);
    return s;
  }

  /**
   * The queue depth, jobs in flight, dead letters and completions right now; throughput and latency
   * are those of the last sample (none before the first).
   */
  public synchronized Sample current() {
    Sample last = samples.peekLast();
    return new Sample(
        clock.instant(),
        queueDepth.getAsLong(),
        activity.inFlight(),
        deadLetters.getAsLong(),
        activity.completed(),
        last == null ? 0 : last.throughputPerMinute(),
        last == null ? 0 : last.latencyCount(),
        last == null ? null : last.latencyP50Ms(),
        last == null ? null : last.latencyP95Ms(),
        last == null ? null : last.latencyMaxMs());
  }

  /** The samples kept, oldest first. */
  public synchronized List<Sample> samples() {
    return new ArrayList<>(samples);
  }

  /** Nearest-rank percentile of sorted values; null for none. */
  static Long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      // storage trouble: this point is missing from the charts, the next one is taken as usual
      LOG.warn("stats sample failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
