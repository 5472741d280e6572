package dev.qbi.core.port;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobMessage;

/**
 * The durable hand-off of a new job: when {@link #accept} returns, the job is recorded and its
 * message queued, atomically. A job that was acknowledged to a client is never lost.
 *
 * <p>The embedded runtime writes the job row and the queue row in one (group-committed)
 * transaction; a cloud runtime may only send the message and let the processor create the row.
 */
public interface JobIntake {
  void accept(Job job, JobMessage message);
}
