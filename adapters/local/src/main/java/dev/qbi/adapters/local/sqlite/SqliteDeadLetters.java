package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local dead-letter table, for operators: what is in it, and moving messages back to the queue.
 * Messages get here when a job fails on its last delivery ({@link
 * dev.qbi.core.job.Decision.DeadLetter} settled on a {@link SqliteJobQueue}).
 */
public final class SqliteDeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteDeadLetters.class);

  private final SqliteDatabase db;

  public SqliteDeadLetters(SqliteDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** Messages in the dead-letter table. */
  public long depth() {
    return count("SELECT COUNT(*) FROM dead_letters");
  }

  private long count(String sql) {
    return db.read(
        s -> {
          try (ResultSet rs = s.prepare(sql).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /** Up to {@code limit} dead letters, oldest first. */
  public List<DeadLetter> list(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1");
    }
    return db.read(
        s -> {
          PreparedStatement ps =
              s.prepare(
                  "SELECT id, job_id, owner, body, sent_at, receive_count, reason, dead_at"
                      + " FROM dead_letters ORDER BY id LIMIT ?");
          ps.setInt(1, limit);
          List<DeadLetter> out = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new DeadLetter(
                      rs.getLong(1),
                      new JobMessage(
                          new JobId(UUID.fromString(rs.getString(2))),
                          new Owner(rs.getString(3)),
                          rs.getBytes(4),
                          Times.fromNanos(rs.getLong(5))),
                      rs.getInt(6),
                      rs.getString(7),
                      Times.fromNanos(rs.getLong(8))));
            }
          }
          return out;
        });
  }

  /**
   * Moves dead letters (all, or only those of one job) back to the queue, visible now, with a
   * receive count of 0.
   *
   * @return how many messages were moved
   */
  public int redrive(Optional<JobId> job) {
    Objects.requireNonNull(job, "job");
    String where = job.isPresent() ? " WHERE job_id = ?" : "";
    int moved =
        db.write(
            s -> {
              PreparedStatement copy =
                  s.prepare(
                      "INSERT INTO queue (job_id, owner, body, sent_at, visible_at, receive_count)"
                          + " SELECT job_id, owner, body, sent_at, ?, 0 FROM dead_letters"
                          + where
                          + " ORDER BY id");
              copy.setLong(1, Times.toNanos(s.clock().instant()));
              if (job.isPresent()) {
                copy.setString(2, job.get().toString());
              }
              int n = copy.executeUpdate();
              PreparedStatement delete = s.prepare("DELETE FROM dead_letters" + where);
              if (job.isPresent()) {
                delete.setString(1, job.get().toString());
              }
              if (delete.executeUpdate() != n) {
                throw new IllegalStateException("dead letters changed while redriving");
              }
              if (n > 0) {
                s.afterCommit(s.wakeReceivers());
              }
              return n;
            });
    LOG.info("redrove {} dead letter(s){}", moved, job.map(j -> " of job " + j).orElse(""));
    return moved;
  }
}
