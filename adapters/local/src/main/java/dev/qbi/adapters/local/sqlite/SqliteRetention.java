package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Finds and deletes job rows past their retention: terminal jobs ({@code complete}, {@code failed},
 * {@code cancelled}) last updated before a cutoff, except those with a dead letter (kept until an
 * operator redrives or purges it). Candidates are read on a reader connection through a partial
 * index over terminal jobs ({@code jobs_expiry}); each delete is one short write that checks every
 * condition again, so a job that changed since it was read is kept.
 *
 * <p>A job's queue message is settled long before its retention ends, so no queue row is looked at.
 */
public final class SqliteRetention {

  /** The terminal statuses, as SQL, in the exact form of the partial index's predicate. */
  static final String TERMINAL =
      Arrays.stream(JobStatus.values())
          .filter(JobStatus::isTerminal)
          .map(s -> "'" + s.wireName() + "'")
          .collect(Collectors.joining(", ", "status IN (", ")"));

  private static final String NO_DEAD_LETTER =
      "NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.job_id = jobs.id)";
  private static final String EXPIRED =
      "SELECT id, output_key, updated_at FROM jobs WHERE "
          + TERMINAL
          + " AND (updated_at, id) > (?, ?) AND updated_at < ? AND "
          + NO_DEAD_LETTER
          + " ORDER BY updated_at, id LIMIT ?";
  private static final String DELETE =
      "DELETE FROM jobs WHERE id = ? AND " + TERMINAL + " AND updated_at < ? AND " + NO_DEAD_LETTER;

  /**
   * A job past its retention.
   *
   * @param outputKey the payload-store key of its output, or null
   */
  public record Expired(JobId id, String outputKey, Position position) {}

  /** Where a scan stopped: pass it back to carry on after it. */
  public record Position(long updatedAtNanos, String id) {
    static final Position START = new Position(Long.MIN_VALUE, "");
  }

  private final SqliteDatabase db;

  public SqliteRetention(SqliteDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /**
   * Up to {@code max} jobs past retention, oldest update first, after {@code after} (empty: from
   * the start). Reads only; nothing is locked.
   */
  public List<Expired> expired(Instant cutoff, Optional<Position> after, int max) {
    Objects.requireNonNull(cutoff, "cutoff");
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1");
    }
    Position from = after.orElse(Position.START);
    return db.read(
        s -> {
          PreparedStatement ps = s.prepare(EXPIRED);
          ps.setLong(1, from.updatedAtNanos());
          ps.setString(2, from.id());
          ps.setLong(3, Times.toNanos(cutoff));
          ps.setInt(4, max);
          List<Expired> out = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String id = rs.getString(1);
              out.add(
                  new Expired(
                      new JobId(UUID.fromString(id)),
                      rs.getString(2),
                      new Position(rs.getLong(3), id)));
            }
          }
          return out;
        });
  }

  /**
   * Deletes those of {@code ids} that are still past retention at {@code cutoff}, in one write.
   *
   * @return how many rows were deleted
   */
  public int delete(List<JobId> ids, Instant cutoff) {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(cutoff, "cutoff");
    if (ids.isEmpty()) {
      return 0;
    }
    long before = Times.toNanos(cutoff);
    return db.write(
        s -> {
          PreparedStatement ps = s.prepare(DELETE);
          int deleted = 0;
          for (JobId id : ids) {
            ps.setString(1, id.toString());
            ps.setLong(2, before);
            deleted += ps.executeUpdate();
          }
          return deleted;
        });
  }
}
