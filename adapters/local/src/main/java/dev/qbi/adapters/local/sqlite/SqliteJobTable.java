package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job table in SQLite. Every state change is a conditional {@code UPDATE ... WHERE id = ? AND
 * version = ?}; listings use a keyset cursor over {@code (submitted_at, id)}.
 */
public final class SqliteJobTable implements JobTable {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteJobTable.class);

  private static final String COLUMNS =
      "id, owner, status, submitted_at, updated_at, attempts, payload_md5, output_key, error,"
          + " errors, version, cancel_requested_at, redriven_at, earlier_attempts";
  private static final String INSERT =
      "INSERT INTO jobs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_IF_ABSENT = INSERT + " ON CONFLICT (id) DO NOTHING";
  private static final String FIND = "SELECT " + COLUMNS + " FROM jobs WHERE id = ?";
  private static final String UPDATE =
      "UPDATE jobs SET status = ?, updated_at = ?, attempts = ?, output_key = ?, error = ?,"
          + " errors = ?, version = ?, cancel_requested_at = ?, redriven_at = ?,"
          + " earlier_attempts = ? WHERE id = ? AND version = ?";

  /** {@code v1:<submitted_at nanos>:<job id>}, base64url without padding. */
  private static final Pattern CURSOR =
      Pattern.compile(
          "v1:(-?[0-9]{1,19}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  private final SqliteDatabase db;

  public SqliteJobTable(SqliteDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public boolean insertIfAbsent(Job job) {
    Objects.requireNonNull(job, "job");
    return db.write(s -> bind(s.prepare(INSERT_IF_ABSENT), job).executeUpdate() == 1);
  }

  /** Inserts a new job in the caller's write; a duplicate id is an error. */
  static void insert(Session s, Job job) throws SQLException {
    bind(s.prepare(INSERT), job).executeUpdate();
  }

  private static PreparedStatement bind(PreparedStatement ps, Job job) throws SQLException {
    ps.setString(1, job.id().toString());
    ps.setString(2, job.owner().sub());
    ps.setString(3, job.status().wireName());
    ps.setLong(4, Times.toNanos(job.submittedAt()));
    ps.setLong(5, Times.toNanos(job.updatedAt()));
    ps.setInt(6, job.attempts());
    ps.setString(7, job.payloadMd5());
    ps.setString(8, job.outputKey());
    ps.setString(9, job.error());
    ps.setString(10, Errors.encode(job.errors()));
    ps.setLong(11, job.version());
    setInstant(ps, 12, job.cancelRequestedAt());
    setInstant(ps, 13, job.redrivenAt());
    ps.setInt(14, job.earlierAttempts());
    return ps;
  }

  private static void setInstant(PreparedStatement ps, int index, java.time.Instant at)
      throws SQLException {
    if (at == null) {
      ps.setNull(index, java.sql.Types.INTEGER);
    } else {
      ps.setLong(index, Times.toNanos(at));
    }
  }

  private static java.time.Instant instant(ResultSet rs, int index) throws SQLException {
    long nanos = rs.getLong(index);
    return rs.wasNull() ? null : Times.fromNanos(nanos);
  }

  @Override
  public Optional<Job> find(JobId id) {
    Objects.requireNonNull(id, "id");
    return db.read(
        s -> {
          PreparedStatement ps = s.prepare(FIND);
          ps.setString(1, id.toString());
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(job(rs)) : Optional.<Job>empty();
          }
        });
  }

  /**
   * @throws IllegalStateException when more than one row changed
   */
  @Override
  public boolean update(Job next) {
    Objects.requireNonNull(next, "next");
    boolean changed = db.write(s -> update(s, next));
    if (changed) {
      LOG.debug("job {} -> {} (v{})", next.id(), next.status().wireName(), next.version());
    } else {
      LOG.debug("job {} is no longer at v{}: update skipped", next.id(), next.version() - 1);
    }
    return changed;
  }

  /**
   * Completes the job and, when {@code delivery} is a lease of the queue in this database, deletes
   * its message in the same write: the status never reads {@code complete} while the message is
   * still queued, and the worker saves a write per job.
   */
  @Override
  public FinalWrite complete(Job done, Delivery delivery) {
    Objects.requireNonNull(done, "done");
    Objects.requireNonNull(delivery, "delivery");
    return db.write(
        s ->
            !update(s, done)
                ? FinalWrite.CONFLICT
                : SqliteJobQueue.deleteLeased(s, delivery)
                    ? FinalWrite.WRITTEN_AND_SETTLED
                    : FinalWrite.WRITTEN);
  }

  /**
   * Fails the job for good and, when {@code delivery} is a lease of the queue in this database,
   * moves its message to the dead letters in the same write: a {@code failed} job always has its
   * dead letter.
   */
  @Override
  public FinalWrite failForGood(Job failed, Delivery delivery, String reason) {
    Objects.requireNonNull(failed, "failed");
    Objects.requireNonNull(delivery, "delivery");
    return db.write(
        s ->
            !update(s, failed)
                ? FinalWrite.CONFLICT
                : SqliteJobQueue.moveLeasedToDeadLetters(s, delivery, reason)
                    ? FinalWrite.WRITTEN_AND_SETTLED
                    : FinalWrite.WRITTEN);
  }

  /**
   * Replaces the row of {@code next.id()} in the caller's write if it is still at {@code
   * next.version() - 1}.
   *
   * @return whether the row changed
   * @throws IllegalStateException when more than one row changed
   */
  static boolean update(Session s, Job next) throws SQLException {
    PreparedStatement ps = s.prepare(UPDATE);
    ps.setString(1, next.status().wireName());
    ps.setLong(2, Times.toNanos(next.updatedAt()));
    ps.setInt(3, next.attempts());
    ps.setString(4, next.outputKey());
    ps.setString(5, next.error());
    ps.setString(6, Errors.encode(next.errors()));
    ps.setLong(7, next.version());
    setInstant(ps, 8, next.cancelRequestedAt());
    setInstant(ps, 9, next.redrivenAt());
    ps.setInt(10, next.earlierAttempts());
    ps.setString(11, next.id().toString());
    ps.setLong(12, next.version() - 1);
    int rows = ps.executeUpdate();
    if (rows > 1) {
      throw new IllegalStateException(rows + " job rows changed for id " + next.id());
    }
    return rows == 1;
  }

  /**
   * @throws InvalidRequestException for a cursor this table did not make, or a limit below 1
   */
  @Override
  public Page<Job> listByOwner(
      Owner owner, Optional<JobStatus> status, int limit, Optional<String> cursor) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(cursor, "cursor");
    if (limit < 1) {
      throw new InvalidRequestException("limit must be at least 1");
    }
    Optional<Key> after = cursor.map(SqliteJobTable::decodeCursor);
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS);
    sql.append(" FROM jobs WHERE owner = ?");
    status.ifPresent(x -> sql.append(" AND status = ?"));
    after.ifPresent(x -> sql.append(" AND (submitted_at, id) < (?, ?)"));
    sql.append(" ORDER BY submitted_at DESC, id DESC LIMIT ?");
    List<Job> rows =
        db.read(
            s -> {
              PreparedStatement ps = s.prepare(sql.toString());
              int i = 1;
              ps.setString(i++, owner.sub());
              if (status.isPresent()) {
                ps.setString(i++, status.get().wireName());
              }
              if (after.isPresent()) {
                ps.setLong(i++, after.get().submittedAt());
                ps.setString(i++, after.get().id());
              }
              ps.setLong(i, (long) limit + 1);
              List<Job> out = new ArrayList<>();
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(job(rs));
                }
              }
              return out;
            });
    if (rows.size() <= limit) {
      return new Page<>(rows, Optional.empty());
    }
    List<Job> items = rows.subList(0, limit);
    Job last = items.get(limit - 1);
    return new Page<>(items, Optional.of(encodeCursor(last)));
  }

  private static Job job(ResultSet rs) throws SQLException {
    String status = rs.getString(3);
    return new Job(
        new JobId(UUID.fromString(rs.getString(1))),
        new Owner(rs.getString(2)),
        JobStatus.fromWireName(status)
            .orElseThrow(() -> new IllegalStateException("unknown job status in table: " + status)),
        Times.fromNanos(rs.getLong(4)),
        Times.fromNanos(rs.getLong(5)),
        rs.getInt(6),
        rs.getString(7),
        rs.getString(8),
        Errors.decode(rs.getString(10)),
        rs.getLong(11),
        instant(rs, 12),
        instant(rs, 13),
        rs.getInt(14));
  }

  private record Key(long submittedAt, String id) {}

  private static String encodeCursor(Job last) {
    String text = "v1:" + Times.toNanos(last.submittedAt()) + ":" + last.id();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static Key decodeCursor(String cursor) {
    try {
      if (cursor.length() > 100) {
        throw new IllegalArgumentException("too long");
      }
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      Matcher m = CURSOR.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a cursor");
      }
      return new Key(Long.parseLong(m.group(1)), m.group(2));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("next is not a valid page token", e);
    }
  }
}
