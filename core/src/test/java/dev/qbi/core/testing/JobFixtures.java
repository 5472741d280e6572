package dev.qbi.core.testing;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobTable;
import java.time.Instant;

/** Jobs put into a table in a given state through the lifecycle's own transitions, for tests. */
public final class JobFixtures {

  private JobFixtures() {}

  /** Inserts a job and completes it in one attempt, with its output under {@code outputKey}. */
  public static Job completed(JobTable table, JobId id, Owner owner, Instant at, String outputKey) {
    Job submitted = Job.submitted(id, owner, "md5", at);
    table.insertIfAbsent(submitted);
    Job processing = submitted.next(JobStatus.PROCESSING, at, 1, null, null);
    Job complete = processing.next(JobStatus.COMPLETE, at, 1, outputKey, null);
    if (!table.update(processing) || !table.update(complete)) {
      throw new IllegalStateException("job " + id + " was not fresh");
    }
    return complete;
  }
}
