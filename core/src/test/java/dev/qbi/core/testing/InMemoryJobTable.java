package dev.qbi.core.testing;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link JobTable} in a map, for tests. Updates are conditional on the version, as the real
 * tables are, and a transition the lifecycle does not allow throws, so a use case that tries one
 * fails its test. Listing is newest first with a keyset cursor.
 */
public final class InMemoryJobTable implements JobTable {

  private static final Comparator<Job> NEWEST_FIRST =
      Comparator.comparing(Job::submittedAt).thenComparing(j -> j.id().toString()).reversed();

  private final Map<JobId, Job> jobs = new HashMap<>();
  private int transitions;

  @Override
  public synchronized boolean insertIfAbsent(Job job) {
    Objects.requireNonNull(job, "job");
    return jobs.putIfAbsent(job.id(), job) == null;
  }

  @Override
  public synchronized Optional<Job> find(JobId id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public synchronized boolean update(Job next) {
    Objects.requireNonNull(next, "next");
    Job current = jobs.get(next.id());
    if (current == null || current.version() != next.version() - 1) {
      return false;
    }
    boolean redrive = next.redrivenAt() != null && !next.redrivenAt().equals(current.redrivenAt());
    if (!redrive) {
      current.status().checkTransitionTo(next.status());
    }
    jobs.put(next.id(), next);
    transitions++;
    return true;
  }

  @Override
  public synchronized Page<Job> listByOwner(
      Owner owner, Optional<JobStatus> status, int limit, Optional<String> cursor) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1");
    }
    Optional<Job> after = cursor.map(InMemoryJobTable::decodeCursor);
    List<Job> matching =
        jobs.values().stream()
            .filter(j -> j.isOwnedBy(owner))
            .filter(j -> status.isEmpty() || j.status() == status.get())
            .filter(j -> after.isEmpty() || NEWEST_FIRST.compare(j, after.get()) > 0)
            .sorted(NEWEST_FIRST)
            .toList();
    List<Job> items = new ArrayList<>(matching.subList(0, Math.min(limit, matching.size())));
    Optional<String> next =
        matching.size() > limit ? Optional.of(encodeCursor(items.getLast())) : Optional.empty();
    return new Page<>(items, next);
  }

  /** Test helper: puts a row as is, replacing any row with its id. */
  public synchronized void put(Job job) {
    jobs.put(job.id(), job);
  }

  public synchronized int size() {
    return jobs.size();
  }

  /** How many conditional updates succeeded. */
  public synchronized int transitionCount() {
    return transitions;
  }

  private static String encodeCursor(Job last) {
    return last.submittedAt() + "~" + last.id();
  }

  /** A stand-in job holding only the sort key the cursor names. */
  private static Job decodeCursor(String cursor) {
    int sep = cursor.indexOf('~');
    try {
      if (sep < 0) {
        throw new IllegalArgumentException("no separator");
      }
      Instant at = Instant.parse(cursor.substring(0, sep));
      JobId id = new JobId(UUID.fromString(cursor.substring(sep + 1)));
      return Job.submitted(id, new Owner("cursor"), null, at);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new InvalidRequestException("next is not a valid page cursor", e);
    }
  }
}
