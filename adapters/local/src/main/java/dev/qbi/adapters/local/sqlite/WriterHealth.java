package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.error.StorageUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteException;

/**
 * Whether the {@link GroupCommitWriter}'s last transaction committed, and the log of its failures:
 * the first one at error, then once a minute while they last, the recovery at info; the rest at
 * debug, so a full disk under load does not flood the log.
 */
final class WriterHealth {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final Duration STILL_FAILING_LOG_EVERY = Duration.ofMinutes(1);

  /** Writable or not; when not, why (an SQLite result code) and since when. */
  record Health(boolean writable, String problem, Instant since) {}

  private final Clock clock;
  private volatile Health health;
  private Instant lastFailureLog = Instant.MIN;

  WriterHealth(Clock clock) {
    this.clock = clock;
    this.health = new Health(true, null, clock.instant());
  }

  Health now() {
    return health;
  }

  /** A transaction (or a write in it) failed. Writer thread only. */
  void failing(StorageException failure) {
    Instant now = clock.instant();
    Health before = health;
    if (before.writable()) {
      health = new Health(false, problem(failure), now);
      lastFailureLog = now;
      LOG.error(
          "database writes fail: {} (submits answer 503 until this clears; retrying by itself)",
          failure.getMessage());
    } else if (Duration.between(lastFailureLog, now).compareTo(STILL_FAILING_LOG_EVERY) >= 0) {
      lastFailureLog = now;
      LOG.warn(
          "database writes still failing after {} s: {}",
          Duration.between(before.since(), now).toSeconds(),
          failure.getMessage());
    } else {
      LOG.debug("database write failed: {}", failure.getMessage());
    }
  }

  /** A transaction committed. Writer thread only. */
  void writable() {
    Health before = health;
    if (!before.writable()) {
      Instant now = clock.instant();
      health = new Health(true, null, now);
      LOG.info(
          "database writes work again after {} s",
          Duration.between(before.since(), now).toSeconds());
    }
  }

  /** What /health may tell about a failure: the SQLite code, never a path or a value. */
  private static String problem(StorageException failure) {
    if (failure.getCause() instanceof SQLiteException e) {
      return e.getResultCode().name();
    }
    return failure instanceof StorageUnavailableException ? "unavailable" : "write failed";
  }
}
