package dev.qbi.adapters.local.sqlite;

import java.time.Instant;

/** Instants are stored as INTEGER nanoseconds since the epoch: exact and ordered (to 2262). */
final class Times {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Times() {}

  static long toNanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), NANOS_PER_SECOND), t.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("instant out of the storable range: " + t, e);
    }
  }

  static Instant fromNanos(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }
}
