package dev.qbi.core.testing;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.port.JobIntake;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.port.JobTable;
import java.util.Objects;

/**
 * A {@link JobIntake} over a job table and a queue, for tests: records the job row, then queues the
 * message, under one lock. A job id already in the table is refused (it would be a lost write).
 */
public final class InMemoryJobIntake implements JobIntake {

  private final JobTable table;
  private final JobQueue queue;

  public InMemoryJobIntake(JobTable table, JobQueue queue) {
    this.table = Objects.requireNonNull(table, "table");
    this.queue = Objects.requireNonNull(queue, "queue");
  }

  @Override
  public synchronized void accept(Job job, JobMessage message) {
    if (!job.id().equals(message.jobId())) {
      throw new IllegalArgumentException("job and message ids differ");
    }
    if (!table.insertIfAbsent(job)) {
      throw new IllegalStateException("job " + job.id() + " already exists");
    }
    queue.send(message);
  }
}
