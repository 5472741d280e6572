package dev.qbi.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of durations given in nanoseconds, reported in milliseconds. */
final class Percentiles {
  private Percentiles() {}

  /** p50, p90, p99 and max of a set of durations; all zero for an empty set. */
  record Summary(int count, double p50Ms, double p90Ms, double p99Ms, double maxMs) {}

  static Summary of(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Summary(
        sorted.length,
        millis(percentile(sorted, 50)),
        millis(percentile(sorted, 90)),
        millis(percentile(sorted, 99)),
        millis(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} percent of the values
   * at or below it; 0 for an empty array.
   *
   * @param sorted values in ascending order
   */
  static long percentile(long[] sorted, double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
