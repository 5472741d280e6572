package dev.qbi.client;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@code GET /jobs}: the caller's jobs, newest first.
 *
 * @param jobs the page's jobs (without download links; ask {@link JobApiClient#status} for those)
 * @param next the cursor of the following page; empty on the last page
 */
public record JobPage(List<JobStatus> jobs, Optional<String> next) {

  public JobPage {
    jobs = List.copyOf(jobs);
  }
}
