package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.DeadLetterStore;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local dead-letter table, for operators. Messages get here when a job fails on its last
 * delivery ({@link dev.qbi.core.job.Decision.DeadLetter} settled on a {@link SqliteJobQueue}). A
 * redrive updates the job row and moves its message back to the queue in one transaction of the
 * group-committed writer, as {@link SqliteJobIntake} writes a new job and its message.
 */
public final class SqliteDeadLetters implements DeadLetterStore {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteDeadLetters.class);

  private static final String COLUMNS =
      "id, job_id, owner, body, sent_at, receive_count, reason, dead_at";
  private static final String LIST =
      "SELECT " + COLUMNS + " FROM dead_letters WHERE id > ? ORDER BY id LIMIT ?";
  private static final String FIND =
      "SELECT " + COLUMNS + " FROM dead_letters WHERE job_id = ? ORDER BY id DESC LIMIT 1";
  private static final String LATEST_ID = "SELECT MAX(id) FROM dead_letters WHERE job_id = ?";
  private static final String TO_QUEUE =
      "INSERT INTO queue (job_id, owner, body, sent_at, visible_at, receive_count)"
          + " SELECT job_id, owner, body, sent_at, ?, 0 FROM dead_letters WHERE id = ?";
  private static final String PURGE = "DELETE FROM dead_letters WHERE job_id = ?";
  private static final String PURGE_OLDEST =
      "DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY id LIMIT ?)";

  private final SqliteDatabase db;

  public SqliteDeadLetters(SqliteDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public long depth() {
    return db.read(
        s -> {
          try (ResultSet rs = s.prepare("SELECT COUNT(*) FROM dead_letters").executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /**
   * @throws InvalidRequestException for a cursor this table did not make
   */
  @Override
  public Page<DeadLetter> list(int limit, Optional<String> cursor) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1");
    }
    long after = cursor.map(SqliteDeadLetters::decodeCursor).orElse(0L);
    List<Row> rows =
        db.read(
            s -> {
              PreparedStatement ps = s.prepare(LIST);
              ps.setLong(1, after);
              ps.setLong(2, (long) limit + 1);
              List<Row> out = new ArrayList<>();
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(row(rs));
                }
              }
              return out;
            });
    if (rows.size() <= limit) {
      return new Page<>(rows.stream().map(Row::deadLetter).toList(), Optional.empty());
    }
    List<Row> items = rows.subList(0, limit);
    return new Page<>(
        items.stream().map(Row::deadLetter).toList(),
        Optional.of(encodeCursor(items.getLast().id())));
  }

  @Override
  public Optional<DeadLetter> find(JobId job) {
    Objects.requireNonNull(job, "job");
    return db.read(
        s -> {
          PreparedStatement ps = s.prepare(FIND);
          ps.setString(1, job.toString());
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs).deadLetter()) : Optional.<DeadLetter>empty();
          }
        });
  }

  @Override
  public Set<JobId> redrive(List<Job> next) {
    Objects.requireNonNull(next, "next");
    if (next.isEmpty()) {
      return Set.of();
    }
    Set<JobId> done =
        db.write(
            s -> {
              Set<JobId> out = new HashSet<>();
              long now = Times.toNanos(s.clock().instant());
              for (Job job : next) {
                if (redriveOne(s, job, now)) {
                  out.add(job.id());
                }
              }
              if (!out.isEmpty()) {
                s.afterCommit(s.wakeReceivers());
              }
              return out;
            });
    LOG.info("redrove {} of {} dead-lettered job(s)", done.size(), next.size());
    return done;
  }

  /** One job's redrive inside the caller's write; nothing changes when it does not qualify. */
  private static boolean redriveOne(Session s, Job job, long now) throws SQLException {
    PreparedStatement latest = s.prepare(LATEST_ID);
    latest.setString(1, job.id().toString());
    long deadLetterId;
    try (ResultSet rs = latest.executeQuery()) {
      if (!rs.next()) {
        return false;
      }
      deadLetterId = rs.getLong(1);
      if (rs.wasNull()) {
        return false;
      }
    }
    if (!SqliteJobTable.update(s, job)) {
      return false;
    }
    PreparedStatement copy = s.prepare(TO_QUEUE);
    copy.setLong(1, now);
    copy.setLong(2, deadLetterId);
    if (copy.executeUpdate() != 1) {
      throw new IllegalStateException("dead letter " + deadLetterId + " vanished mid-transaction");
    }
    PreparedStatement purge = s.prepare(PURGE);
    purge.setString(1, job.id().toString());
    purge.executeUpdate();
    return true;
  }

  @Override
  public int purge(JobId job) {
    Objects.requireNonNull(job, "job");
    int removed =
        db.write(
            s -> {
              PreparedStatement ps = s.prepare(PURGE);
              ps.setString(1, job.toString());
              return ps.executeUpdate();
            });
    LOG.info("purged {} dead letter(s) of job {}", removed, job);
    return removed;
  }

  @Override
  public int purgeOldest(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1");
    }
    return db.write(
        s -> {
          PreparedStatement ps = s.prepare(PURGE_OLDEST);
          ps.setInt(1, max);
          return ps.executeUpdate();
        });
  }

  private record Row(long id, DeadLetter deadLetter) {}

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getLong(1),
        new DeadLetter(
            new JobMessage(
                new JobId(UUID.fromString(rs.getString(2))),
                new Owner(rs.getString(3)),
                rs.getBytes(4),
                Times.fromNanos(rs.getLong(5))),
            rs.getInt(6),
            rs.getString(7),
            Times.fromNanos(rs.getLong(8))));
  }

  /** {@code d1:<row id>}, base64url without padding. */
  private static String encodeCursor(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("d1:" + id).getBytes(StandardCharsets.US_ASCII));
  }

  private static long decodeCursor(String cursor) {
    try {
      if (cursor.length() > 40) {
        throw new IllegalArgumentException("too long");
      }
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (!text.matches("d1:[0-9]{1,18}")) {
        throw new IllegalArgumentException("not a cursor");
      }
      return Long.parseLong(text.substring(3));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("next is not a valid page token", e);
    }
  }
}
