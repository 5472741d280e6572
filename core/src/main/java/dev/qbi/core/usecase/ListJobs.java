package dev.qbi.core.usecase;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import java.util.Objects;
import java.util.Optional;

/** The caller's own jobs, newest first, paginated. */
public final class ListJobs {

  public static final int DEFAULT_LIMIT = 25;
  public static final int MAX_LIMIT = 100;

  private final JobTable table;

  public ListJobs(JobTable table) {
    this.table = Objects.requireNonNull(table, "table");
  }

  /**
   * @throws InvalidRequestException for a limit outside 1..100 or an unknown status
   */
  public Page<Job> list(
      Owner caller, Optional<String> status, Optional<Integer> limit, Optional<String> next) {
    int n = limit.orElse(DEFAULT_LIMIT);
    if (n < 1 || n > MAX_LIMIT) {
      throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT);
    }
    Optional<JobStatus> filter =
        status.map(
            s ->
                JobStatus.fromWireName(s)
                    .orElseThrow(
                        () ->
                            new InvalidRequestException(
                                "status must be one of "
                                    + java.util.Arrays.stream(JobStatus.values())
                                        .map(JobStatus::wireName)
                                        .collect(java.util.stream.Collectors.joining(", ")))));
    return table.listByOwner(caller, filter, n, next);
  }
}
