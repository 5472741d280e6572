package dev.qbi.core.port;

import dev.qbi.core.job.JobMessage;

/** The sending side of the job queue. */
public interface JobSender {

  /** Enqueues durably: when this returns, the message survives a crash of this process. */
  void send(JobMessage message);
}
