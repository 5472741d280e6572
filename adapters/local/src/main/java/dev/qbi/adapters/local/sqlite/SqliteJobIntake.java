package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.port.JobIntake;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a new job and queues its message in one write of the group-committed transaction: {@link
 * #accept} returns once both rows are durable. Waiting receivers are woken by the commit.
 */
public final class SqliteJobIntake implements JobIntake {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteJobIntake.class);

  private final SqliteDatabase db;

  /**
   * @param queue the queue whose receivers this intake feeds; it must live in {@code db}
   */
  public SqliteJobIntake(SqliteDatabase db, SqliteJobQueue queue) {
    this.db = Objects.requireNonNull(db, "db");
    Objects.requireNonNull(queue, "queue");
    if (queue.database() != db) {
      throw new IllegalArgumentException("the queue must use the same database as the intake");
    }
  }

  @Override
  public void accept(Job job, JobMessage message) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(message, "message");
    if (!job.id().equals(message.jobId())) {
      throw new IllegalArgumentException("job and message ids differ");
    }
    db.write(
        s -> {
          SqliteJobTable.insert(s, job);
          SqliteJobQueue.insert(s, message);
          return null;
        });
    LOG.debug("accepted job {}", job.id());
  }
}
