package dev.qbi.adapters.aws;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.port.JobIntake;
import dev.qbi.core.port.JobTable;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobIntake} on SQS. SQS is the durable store of an accepted job: once the message is sent
 * the job is accepted, and the processor creates the job's row on first delivery if there is none.
 *
 * <p>Without a table (the Lambda stack, where API Gateway sends to SQS directly) that is all, so a
 * job shows in the status API only once the processor picked it up. With a table (the server's
 * {@code --backend aws}) the row is also put, <em>after</em> the send and only if absent, so the
 * status API shows the job as {@code submitted} at once. The order matters: a failed send records
 * nothing (the client gets an error and nothing was accepted), and a failed put after the send is
 * only logged, since the job is queued and its first delivery creates the row.
 */
public final class SqsJobIntake implements JobIntake {

  private static final Logger LOG = LoggerFactory.getLogger(SqsJobIntake.class);

  private final SqsJobQueue queue;
  private final Optional<JobTable> table;

  /** Sends only: the processor creates the row. */
  public SqsJobIntake(SqsJobQueue queue) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.table = Optional.empty();
  }

  /** Sends, then puts the {@code submitted} row unless the processor was faster. */
  public SqsJobIntake(SqsJobQueue queue, JobTable table) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.table = Optional.of(Objects.requireNonNull(table, "table"));
  }

  @Override
  public void accept(Job job, JobMessage message) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(message, "message");
    if (!job.id().equals(message.jobId())) {
      throw new IllegalArgumentException("job and message ids differ");
    }
    queue.send(message);
    table.ifPresent(
        t -> {
          try {
            t.insertIfAbsent(job);
          } catch (RuntimeException e) {
            LOG.warn(
                "job {} is queued but its row was not put ({}); its first delivery creates it",
                job.id(),
                e.toString());
          }
        });
  }
}
