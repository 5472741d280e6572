package dev.qbi.core.usecase;

import dev.qbi.core.error.ConflictException;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.DeadLetterStore;
import dev.qbi.core.port.JobTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does with dead letters: look at them, redrive them, purge them.
 *
 * <p><b>Redrive has one meaning: run the job again as a new series of attempts.</b> Only a {@code
 * failed} job's dead letter is redriven: in one atomic step the job goes back to {@code submitted}
 * ({@link Job#redriven}: {@code redrivenAt} set, its errors kept) and its message goes back to the
 * queue with a receive count of 0, so it gets the full number of deliveries again. A dead letter
 * whose job is in any other state (or has no row) is refused with a conflict and left in place;
 * purge it instead. <b>Purge</b> removes a job's dead letters for good and leaves the job {@code
 * failed}.
 */
public final class ManageDeadLetters {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  /** Skipped jobs a bulk redrive reports by id (the count covers them all). */
  public static final int MAX_SKIPPED_REPORTED = 100;

  private static final Logger LOG = LoggerFactory.getLogger(ManageDeadLetters.class);
  private static final int MAX_TRIES = 5;
  private static final int BULK_STEP = 100;

  private final JobTable table;
  private final DeadLetterStore deadLetters;
  private final Clock clock;

  public ManageDeadLetters(JobTable table, DeadLetterStore deadLetters, Clock clock) {
    this.table = Objects.requireNonNull(table, "table");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A job's dead letter with the job as it is now (empty when its row is gone). */
  public record Detail(DeadLetter deadLetter, Optional<Job> job) {}

  /** A dead letter a bulk redrive left in place, and why. */
  public record Skipped(JobId jobId, String reason) {}

  /**
   * The outcome of {@link #redriveAll}.
   *
   * @param skippedCount dead letters left in place
   * @param skipped the first {@value #MAX_SKIPPED_REPORTED} of them, with the reason
   */
  public record BulkRedrive(int redriven, int skippedCount, List<Skipped> skipped) {
    public BulkRedrive {
      skipped = List.copyOf(skipped);
    }
  }

  public long depth() {
    return deadLetters.depth();
  }

  /**
   * @throws InvalidRequestException for a limit outside 1..{@value #MAX_LIMIT} or a bad cursor
   */
  public Page<DeadLetter> list(Optional<Integer> limit, Optional<String> cursor) {
    int n = limit.orElse(DEFAULT_LIMIT);
    if (n < 1 || n > MAX_LIMIT) {
      throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT);
    }
    return deadLetters.list(n, cursor);
  }

  /**
   * @throws JobNotFoundException when the job has no dead letter
   */
  public Detail show(JobId id) {
    DeadLetter dead = deadLetters.find(id).orElseThrow(() -> noDeadLetter(id));
    return new Detail(dead, table.find(id));
  }

  /**
   * Redrives one job's dead letter.
   *
   * @return the job as redriven: {@code submitted}, with {@code redrivenAt}
   * @throws JobNotFoundException when the job has no dead letter
   * @throws ConflictException when the job is not {@code failed} (or has no row)
   */
  public Job redrive(JobId id) {
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      deadLetters.find(id).orElseThrow(() -> noDeadLetter(id));
      Optional<Job> job = table.find(id);
      String refusal = refusal(job);
      if (refusal != null) {
        throw new ConflictException("Job " + id + " " + refusal);
      }
      Job next = job.get().redriven(clock.instant());
      if (deadLetters.redrive(List.of(next)).contains(id)) {
        LOG.info("redrove job {} (attempts so far: {})", id, job.get().errors().size());
        return next;
      }
    }
    throw new ConflictException("Job " + id + " is changing too fast to be redriven; try again");
  }

  /** Redrives every dead letter whose job is {@code failed}; the others stay where they are. */
  public BulkRedrive redriveAll() {
    int redriven = 0;
    int skippedCount = 0;
    List<Skipped> skipped = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      Page<DeadLetter> page = deadLetters.list(BULK_STEP, cursor);
      Map<JobId, Job> next = new LinkedHashMap<>();
      Map<JobId, String> refused = new LinkedHashMap<>();
      for (DeadLetter dead : page.items()) {
        JobId id = dead.jobId();
        if (next.containsKey(id) || refused.containsKey(id)) {
          continue;
        }
        Optional<Job> job = table.find(id);
        String refusal = refusal(job);
        if (refusal == null) {
          next.put(id, job.get().redriven(clock.instant()));
        } else {
          refused.put(id, refusal);
        }
      }
      Set<JobId> done = next.isEmpty() ? Set.of() : deadLetters.redrive(List.copyOf(next.values()));
      redriven += done.size();
      next.keySet().stream()
          .filter(id -> !done.contains(id))
          .forEach(id -> refused.put(id, "changed while being redriven; try again"));
      for (Map.Entry<JobId, String> e : refused.entrySet()) {
        skippedCount++;
        if (skipped.size() < MAX_SKIPPED_REPORTED) {
          skipped.add(new Skipped(e.getKey(), e.getValue()));
        }
      }
      cursor = page.next();
    } while (cursor.isPresent());
    LOG.info("redrove {} dead-lettered job(s); {} left in place", redriven, skippedCount);
    return new BulkRedrive(redriven, skippedCount, skipped);
  }

  /**
   * Removes a job's dead letters for good; the job stays as it is ({@code failed}).
   *
   * @return how many dead letters were removed (at least 1)
   * @throws JobNotFoundException when the job has no dead letter
   */
  public int purge(JobId id) {
    int removed = deadLetters.purge(id);
    if (removed == 0) {
      throw noDeadLetter(id);
    }
    LOG.info("purged the dead letter of job {}", id);
    return removed;
  }

  /** Removes every dead letter, in short steps. */
  public long purgeAll() {
    long removed = 0;
    int step;
    do {
      step = deadLetters.purgeOldest(BULK_STEP * 5);
      removed += step;
    } while (step > 0);
    LOG.info("purged {} dead letter(s)", removed);
    return removed;
  }

  /** Why a job's dead letter cannot be redriven, or null when it can. */
  private static String refusal(Optional<Job> job) {
    if (job.isEmpty()) {
      return "has no job record any more; purge its dead letter";
    }
    JobStatus status = job.get().status();
    if (status != JobStatus.FAILED) {
      return "is "
          + status.wireName()
          + ", not failed: only a failed job is redriven; purge its dead letter instead";
    }
    return null;
  }

  private static JobNotFoundException noDeadLetter(JobId id) {
    return new JobNotFoundException("No dead letter for job " + id);
  }
}
