package dev.qbi.client;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code GET /jobs} is asked for: an optional status filter, page size and cursor; the server
 * decides when one is left out (every status, 25 jobs, the first page).
 *
 * @param status only jobs in this status ({@code submitted}, {@code processing}, {@code complete}
 *     or {@code failed})
 * @param limit jobs per page (the server accepts 1 to 100)
 * @param next the cursor of a previous page's {@link JobPage#next()}
 */
public record JobListQuery(Optional<String> status, OptionalInt limit, Optional<String> next) {

  /** Every job, the server's page size, the first page. */
  public static JobListQuery all() {
    return new JobListQuery(Optional.empty(), OptionalInt.empty(), Optional.empty());
  }

  public JobListQuery withStatus(String status) {
    return new JobListQuery(Optional.of(status), limit, next);
  }

  public JobListQuery withLimit(int limit) {
    return new JobListQuery(status, OptionalInt.of(limit), next);
  }

  /** The page after the one {@code next} came with; empty means the first page. */
  public JobListQuery withNext(Optional<String> next) {
    return new JobListQuery(status, limit, next);
  }
}
