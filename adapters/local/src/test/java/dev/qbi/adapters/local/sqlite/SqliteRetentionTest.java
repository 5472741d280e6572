package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which rows are past retention, and their deletion. */
class SqliteRetentionTest {

  private static final Owner OWNER = new Owner("ret");
  private static final Duration LEASE = Duration.ofMinutes(5);

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingAt("2032-01-01T00:00:00Z");
  private SqliteDatabase db;
  private SqliteJobQueue queue;
  private SqliteJobTable table;
  private SqliteJobIntake intake;
  private SqliteRetention retention;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    queue = new SqliteJobQueue(db);
    table = new SqliteJobTable(db);
    intake = new SqliteJobIntake(db, queue);
    retention = new SqliteRetention(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** A job taken through the lifecycle to {@code status}; failed ones are dead-lettered. */
  private Job job(JobStatus status) throws InterruptedException {
    Job job = Job.submitted(JobId.random(), OWNER, "md5", clock.instant());
    intake.accept(
        job,
        new JobMessage(job.id(), OWNER, "{}".getBytes(StandardCharsets.UTF_8), clock.instant()));
    if (status == JobStatus.SUBMITTED) {
      return job;
    }
    Delivery d = queue.receive(1, LEASE, Duration.ZERO).getFirst();
    Job running = job.next(JobStatus.PROCESSING, clock.instant(), 1, null, null);
    table.update(running);
    if (status == JobStatus.PROCESSING) {
      return running;
    }
    String key = status == JobStatus.COMPLETE ? "jobs/" + job.id() + ".json" : null;
    Job end =
        running.next(status, clock.instant(), 1, key, status == JobStatus.FAILED ? "E" : null);
    table.update(end);
    queue.settle(
        d, status == JobStatus.FAILED ? new Decision.DeadLetter("E") : new Decision.Completed("k"));
    return end;
  }

  private List<JobId> expiredIds(Instant cutoff) {
    return retention.expired(cutoff, Optional.empty(), 100).stream()
        .map(SqliteRetention.Expired::id)
        .toList();
  }

  @Test
  void only_old_terminal_jobs_without_a_dead_letter_are_past_retention() throws Exception {
    Job complete = job(JobStatus.COMPLETE);
    Job cancelled = job(JobStatus.CANCELLED);
    Job deadLettered = job(JobStatus.FAILED);
    Job failedAndPurged = job(JobStatus.FAILED);
    new SqliteDeadLetters(db).purge(failedAndPurged.id());
    Job submitted = job(JobStatus.SUBMITTED);
    Job processing = job(JobStatus.PROCESSING);
    Instant cutoff = clock.instant().plusNanos(1);
    clock.advance(Duration.ofDays(40));
    Job young = job(JobStatus.COMPLETE);

    List<SqliteRetention.Expired> expired = retention.expired(cutoff, Optional.empty(), 100);

    assertThat(expired)
        .extracting(SqliteRetention.Expired::id)
        .containsExactlyInAnyOrder(complete.id(), cancelled.id(), failedAndPurged.id())
        .doesNotContain(deadLettered.id(), submitted.id(), processing.id(), young.id());
    assertThat(expired)
        .filteredOn(e -> e.id().equals(complete.id()))
        .singleElement()
        .satisfies(e -> assertThat(e.outputKey()).isEqualTo(complete.outputKey()));
  }

  @Test
  void a_scan_carries_on_after_where_it_stopped() throws Exception {
    List<JobId> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(job(JobStatus.COMPLETE).id());
      clock.advance(Duration.ofSeconds(1));
    }
    Instant cutoff = clock.instant();

    List<JobId> seen = new ArrayList<>();
    Optional<SqliteRetention.Position> after = Optional.empty();
    List<SqliteRetention.Expired> page;
    do {
      page = retention.expired(cutoff, after, 3);
      page.forEach(e -> seen.add(e.id()));
      after = page.isEmpty() ? after : Optional.of(page.getLast().position());
    } while (!page.isEmpty());

    assertThat(seen).containsExactlyElementsOf(all);
  }

  @Test
  void delete_checks_again_and_keeps_a_job_that_no_longer_qualifies() throws Exception {
    Job complete = job(JobStatus.COMPLETE);
    Job failed = job(JobStatus.FAILED);
    new SqliteDeadLetters(db).purge(failed.id());
    Instant cutoff = clock.instant().plusNanos(1);
    assertThat(expiredIds(cutoff)).containsExactlyInAnyOrder(complete.id(), failed.id());
    // the failed job is dead-lettered again (as if redriven and failed) before the delete
    queue.send(new JobMessage(failed.id(), OWNER, new byte[] {'{', '}'}, clock.instant()));
    queue.settle(queue.receive(1, LEASE, Duration.ZERO).getFirst(), new Decision.DeadLetter("E"));

    assertThat(retention.delete(List.of(complete.id(), failed.id()), cutoff)).isEqualTo(1);

    assertThat(table.find(complete.id())).isEmpty();
    assertThat(table.find(failed.id())).isPresent();
    assertThat(retention.delete(List.of(complete.id()), cutoff)).isZero();
  }

  @Test
  void the_scan_uses_the_partial_index_of_terminal_jobs() {
    String plan =
        db.read(
            s -> {
              StringBuilder out = new StringBuilder();
              try (ResultSet rs =
                  s.connection()
                      .createStatement()
                      .executeQuery(
                          "EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE "
                              + SqliteRetention.TERMINAL
                              + " AND (updated_at, id) > (0, '') AND updated_at < 5"
                              + " ORDER BY updated_at, id LIMIT 10")) {
                while (rs.next()) {
                  out.append(rs.getString("detail")).append('\n');
                }
              }
              return out.toString();
            });

    assertThat(plan).contains("jobs_expiry");
  }
}
