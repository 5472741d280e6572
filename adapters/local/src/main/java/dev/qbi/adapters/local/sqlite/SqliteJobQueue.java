package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobQueue;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local queue: a table with leases. A received message gets {@code visible_at = now +
 * visibility} and a fresh random lease token; its receipt is {@code <row id>.<token>}, so a worker
 * whose lease was taken over by another receive can no longer acknowledge, retry or dead-letter it.
 *
 * <p>{@link #receive} waits without polling: sends, retries and redrives wake it after their
 * commit, and it sleeps no longer than until the earliest lease expires. All times come from the
 * database's {@link java.time.Clock}.
 */
public final class SqliteJobQueue implements JobQueue {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteJobQueue.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final String INSERT =
      "INSERT INTO queue (job_id, owner, body, sent_at, visible_at, receive_count)"
          + " VALUES (?, ?, ?, ?, ?, 0)";
  private static final String LEASE =
      "UPDATE queue SET visible_at = ?, receive_count = receive_count + 1, lease = ?"
          + " WHERE id IN (SELECT id FROM queue WHERE visible_at <= ?"
          + " ORDER BY visible_at, id LIMIT ?)"
          + " RETURNING id, job_id, owner, body, sent_at, receive_count";
  private static final String EARLIEST = "SELECT MIN(visible_at) FROM queue";
  private static final String DELETE = "DELETE FROM queue WHERE id = ? AND lease = ?";
  private static final String DELAY = "UPDATE queue SET visible_at = ? WHERE id = ? AND lease = ?";
  private static final String EXTEND =
      "UPDATE queue SET visible_at = ? WHERE id = ? AND lease = ? AND visible_at > ?";
  private static final String TO_DEAD_LETTERS =
      "INSERT INTO dead_letters (job_id, owner, body, sent_at, receive_count, reason, dead_at)"
          + " SELECT job_id, owner, body, sent_at, receive_count, ?, ? FROM queue"
          + " WHERE id = ? AND lease = ?";

  private final SqliteDatabase db;
  private final QueueSignal signal;

  public SqliteJobQueue(SqliteDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
    this.signal = db.queueSignal();
  }

  SqliteDatabase database() {
    return db;
  }

  @Override
  public void send(JobMessage message) {
    Objects.requireNonNull(message, "message");
    db.write(
        s -> {
          insert(s, message);
          return null;
        });
    LOG.debug("queued job {}", message.jobId());
  }

  /** Inserts a visible message in the caller's write; receivers are woken after the commit. */
  static void insert(Session s, JobMessage message) throws SQLException {
    long now = Times.toNanos(s.clock().instant());
    PreparedStatement ps = s.prepare(INSERT);
    ps.setString(1, message.jobId().toString());
    ps.setString(2, message.owner().sub());
    ps.setBytes(3, message.body());
    ps.setLong(4, Times.toNanos(message.sentAt()));
    ps.setLong(5, now);
    ps.executeUpdate();
    s.afterCommit(s.wakeReceivers());
  }

  @Override
  public List<Delivery> receive(int max, Duration visibility, Duration wait)
      throws InterruptedException {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1");
    }
    requireNotNegative(visibility, "visibility");
    requireNotNegative(wait, "wait");
    int limit = Math.min(max, SqliteDatabase.MAX_BATCH);
    long deadline = System.nanoTime() + saturatedNanos(wait);
    while (!db.isClosed()) {
      long seen = signal.version();
      long now = Times.toNanos(db.clock().instant());
      OptionalLong earliest = earliestVisibleAt();
      if (earliest.isPresent() && earliest.getAsLong() <= now) {
        List<Delivery> leased = lease(limit, visibility);
        if (!leased.isEmpty()) {
          return leased;
        }
        // another receiver took them first: look again, without spinning
        if (deadline - System.nanoTime() <= 0) {
          return List.of();
        }
        signal.awaitChange(seen, MIN_WAIT_NANOS);
        continue;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return List.of();
      }
      long untilVisible =
          earliest.isPresent()
              ? Math.max(MIN_WAIT_NANOS, earliest.getAsLong() - now)
              : Long.MAX_VALUE;
      signal.awaitChange(seen, Math.min(remaining, untilVisible));
    }
    return List.of();
  }

  private OptionalLong earliestVisibleAt() {
    return db.read(
        s -> {
          try (ResultSet rs = s.prepare(EARLIEST).executeQuery()) {
            if (rs.next()) {
              long v = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
            return OptionalLong.empty();
          }
        });
  }

  private List<Delivery> lease(int limit, Duration visibility) throws InterruptedException {
    String token = newToken();
    List<Delivery> leased =
        db.writeInterruptibly(
            s -> {
              Instant now = s.clock().instant();
              PreparedStatement ps = s.prepare(LEASE);
              ps.setLong(1, Times.toNanos(now.plus(visibility)));
              ps.setString(2, token);
              ps.setLong(3, Times.toNanos(now));
              ps.setInt(4, limit);
              List<Delivery> out = new ArrayList<>();
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  long id = rs.getLong(1);
                  JobMessage message =
                      new JobMessage(
                          new JobId(UUID.fromString(rs.getString(2))),
                          new Owner(rs.getString(3)),
                          rs.getBytes(4),
                          Times.fromNanos(rs.getLong(5)));
                  out.add(new Delivery(message, id + "." + token, rs.getInt(6)));
                }
              }
              return out;
            });
    leased.sort(Comparator.comparingLong(d -> rowId(d.receipt()).orElse(Long.MAX_VALUE)));
    if (!leased.isEmpty()) {
      LOG.debug("leased {} message(s) for {} ms", leased.size(), visibility.toMillis());
    }
    return leased;
  }

  @Override
  public boolean settle(Delivery delivery, Decision decision) {
    Objects.requireNonNull(decision, "decision");
    return switch (decision) {
      case Decision.Completed c -> c.settled() || delete(delivery);
      case Decision.AlreadyDone a -> delete(delivery);
      case Decision.Cancelled c -> delete(delivery);
      case Decision.RetryAfter r -> delay(delivery, r.delay());
      case Decision.DeadLetter d -> d.settled() || deadLetter(delivery, d.error());
      case Decision.Contended c -> Receipt.of(delivery) != null;
    };
  }

  @Override
  public boolean extendLease(Delivery delivery, Duration visibility) {
    requireNotNegative(visibility, "visibility");
    Receipt r = Receipt.of(delivery);
    boolean extended =
        r != null
            && db.write(
                s -> {
                  PreparedStatement ps = s.prepare(EXTEND);
                  Instant now = s.clock().instant();
                  ps.setLong(1, Times.toNanos(now.plus(visibility)));
                  ps.setLong(2, r.id());
                  ps.setString(3, r.token());
                  ps.setLong(4, Times.toNanos(now));
                  return ps.executeUpdate() == 1;
                });
    if (!extended) {
      LOG.info("lease of job {} had ended: not extended", delivery.message().jobId());
    }
    return extended;
  }

  private boolean delete(Delivery delivery) {
    boolean deleted = Receipt.of(delivery) != null && db.write(s -> deleteLeased(s, delivery));
    if (!deleted) {
      LOG.info("stale receipt for job {}: acknowledge ignored", delivery.message().jobId());
    }
    return deleted;
  }

  /**
   * Deletes the leased message of {@code delivery} in the caller's write (for a job table in the
   * same database, completing the job and acknowledging its message at once).
   *
   * @return false for a stale or foreign receipt (nothing deleted)
   */
  static boolean deleteLeased(Session s, Delivery delivery) throws SQLException {
    Receipt r = Receipt.of(delivery);
    if (r == null) {
      return false;
    }
    PreparedStatement ps = s.prepare(DELETE);
    ps.setLong(1, r.id());
    ps.setString(2, r.token());
    return ps.executeUpdate() == 1;
  }

  private boolean delay(Delivery delivery, Duration delay) {
    Duration d = delay == null || delay.isNegative() ? Duration.ZERO : delay;
    Receipt r = Receipt.of(delivery);
    boolean delayed =
        r != null
            && db.write(
                s -> {
                  PreparedStatement ps = s.prepare(DELAY);
                  ps.setLong(1, Times.toNanos(s.clock().instant().plus(d)));
                  ps.setLong(2, r.id());
                  ps.setString(3, r.token());
                  boolean changed = ps.executeUpdate() == 1;
                  if (changed) {
                    s.afterCommit(s.wakeReceivers());
                  }
                  return changed;
                });
    if (!delayed) {
      LOG.info("stale receipt for job {}: retry ignored", delivery.message().jobId());
    }
    return delayed;
  }

  private boolean deadLetter(Delivery delivery, String reason) {
    boolean moved =
        Receipt.of(delivery) != null && db.write(s -> moveLeasedToDeadLetters(s, delivery, reason));
    if (!moved) {
      LOG.info("stale receipt for job {}: dead-letter ignored", delivery.message().jobId());
    }
    return moved;
  }

  /**
   * Moves the leased message of {@code delivery} to the dead letters with {@code reason}, in the
   * caller's write (for a job table in the same database, failing the job and dead-lettering its
   * message at once).
   *
   * @return false for a stale or foreign receipt (nothing moved)
   */
  static boolean moveLeasedToDeadLetters(Session s, Delivery delivery, String reason)
      throws SQLException {
    Receipt r = Receipt.of(delivery);
    if (r == null) {
      return false;
    }
    PreparedStatement copy = s.prepare(TO_DEAD_LETTERS);
    copy.setString(1, reason);
    copy.setLong(2, Times.toNanos(s.clock().instant()));
    copy.setLong(3, r.id());
    copy.setString(4, r.token());
    if (copy.executeUpdate() != 1) {
      return false;
    }
    PreparedStatement delete = s.prepare(DELETE);
    delete.setLong(1, r.id());
    delete.setString(2, r.token());
    if (delete.executeUpdate() != 1) {
      throw new IllegalStateException("queue row changed while dead-lettering");
    }
    LOG.warn(
        "job {} dead-lettered after {} deliveries",
        delivery.message().jobId(),
        delivery.receiveCount());
    return true;
  }

  @Override
  public long depth() {
    return db.read(
        s -> {
          try (ResultSet rs = s.prepare("SELECT COUNT(*) FROM queue").executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /**
   * When the oldest message still in the queue (waiting, leased or waiting for a retry) was sent;
   * empty when the queue is empty. Its age is how far behind the workers are.
   */
  public Optional<Instant> oldestSentAt() {
    return db.read(
        s -> {
          try (ResultSet rs = s.prepare("SELECT MIN(sent_at) FROM queue").executeQuery()) {
            if (!rs.next()) {
              return Optional.empty();
            }
            long nanos = rs.getLong(1);
            return rs.wasNull() ? Optional.<Instant>empty() : Optional.of(Times.fromNanos(nanos));
          }
        });
  }

  private static String newToken() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static OptionalLong rowId(String receipt) {
    Receipt r = Receipt.parse(receipt);
    return r == null ? OptionalLong.empty() : OptionalLong.of(r.id());
  }

  private static long saturatedNanos(Duration d) {
    try {
      return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  private static void requireNotNegative(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be zero or positive");
    }
  }

  /** A parsed receipt; null when the text is not one of ours (then it matches nothing). */
  private record Receipt(long id, String token) {
    static Receipt of(Delivery delivery) {
      Objects.requireNonNull(delivery, "delivery");
      return parse(delivery.receipt());
    }

    static Receipt parse(String receipt) {
      int dot = receipt.indexOf('.');
      if (dot <= 0 || dot == receipt.length() - 1) {
        return null;
      }
      try {
        return new Receipt(Long.parseLong(receipt.substring(0, dot)), receipt.substring(dot + 1));
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
