package dev.qbi.adapters.aws;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.port.JobIntake;
import java.util.Objects;

/**
 * {@link JobIntake} on SQS: sends the message and nothing else. SQS is the durable store of an
 * accepted job; the processor creates the job's row on first delivery (so on AWS a job shows in the
 * status API only once the processor has picked it up).
 */
public final class SqsJobIntake implements JobIntake {

  private final SqsJobQueue queue;

  public SqsJobIntake(SqsJobQueue queue) {
    this.queue = Objects.requireNonNull(queue, "queue");
  }

  @Override
  public void accept(Job job, JobMessage message) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(message, "message");
    if (!job.id().equals(message.jobId())) {
      throw new IllegalArgumentException("job and message ids differ");
    }
    queue.send(message);
  }
}
