package dev.qbi.core.usecase;

import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobTable;
import dev.qbi.core.port.PayloadStore;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A job's status as its owner sees it. Another user's job is reported exactly like an unknown one.
 */
public final class JobStatusQuery {

  private final JobTable table;
  private final PayloadStore payloads;
  private final Duration linkTtl;

  public JobStatusQuery(JobTable table, PayloadStore payloads, Duration linkTtl) {
    this.table = Objects.requireNonNull(table, "table");
    this.payloads = Objects.requireNonNull(payloads, "payloads");
    this.linkTtl = Objects.requireNonNull(linkTtl, "linkTtl");
  }

  /**
   * @throws JobNotFoundException for an unknown id and for another owner's job
   */
  public View status(Owner caller, JobId id) {
    Job job =
        table
            .find(id)
            .filter(j -> j.isOwnedBy(caller))
            .orElseThrow(() -> new JobNotFoundException(notFoundMessage(id)));
    Optional<URI> link =
        job.status() == JobStatus.COMPLETE
            ? job.output().map(key -> payloads.presign(key, linkTtl))
            : Optional.empty();
    return new View(job, link);
  }

  /** The original system's wording, kept for client compatibility. */
  public static String notFoundMessage(JobId id) {
    return "No Job data found for Job Id : " + id;
  }

  /** The job and, when complete, its download link. */
  public record View(Job job, Optional<URI> downloadLink) {}
}
