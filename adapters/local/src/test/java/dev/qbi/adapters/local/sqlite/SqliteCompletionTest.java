package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobTable.FinalWrite;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job table and the queue in one database: completing a job deletes its leased message in the
 * same write, so no reader ever sees a {@code complete} job whose message is still queued.
 */
class SqliteCompletionTest {

  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
  private SqliteDatabase db;
  private SqliteJobQueue queue;
  private SqliteJobTable table;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    queue = new SqliteJobQueue(db);
    table = new SqliteJobTable(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** A job accepted and its message leased; returns the running job and the delivery. */
  private Job runningJob(List<Delivery> out) throws Exception {
    Job job = Job.submitted(JobId.random(), new Owner("erin"), "md5", clock.instant());
    new SqliteJobIntake(db, queue)
        .accept(
            job,
            new JobMessage(
                job.id(), job.owner(), "{}".getBytes(StandardCharsets.UTF_8), job.submittedAt()));
    out.addAll(queue.receive(1, LEASE, Duration.ZERO));
    Job running = job.next(JobStatus.PROCESSING, clock.instant(), 1, null, null);
    assertThat(table.update(running)).isTrue();
    return running;
  }

  @Test
  void completion_and_acknowledgement_are_one_write() throws Exception {
    List<Delivery> leased = new ArrayList<>();
    Job running = runningJob(leased);
    Delivery delivery = leased.get(0);
    long writesBefore = db.stats().writes();

    Job done = running.next(JobStatus.COMPLETE, clock.instant(), 1, "jobs/x.json", null);
    assertThat(table.complete(done, delivery)).isEqualTo(FinalWrite.WRITTEN_AND_SETTLED);

    assertThat(db.stats().writes() - writesBefore).isEqualTo(1);
    assertThat(queue.depth()).isZero();
    assertThat(table.find(done.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETE);
    // settling an acknowledged completion has nothing left to do, and writes nothing
    assertThat(queue.settle(delivery, new Decision.Completed("jobs/x.json", true))).isTrue();
    assertThat(db.stats().writes() - writesBefore).isEqualTo(1);
  }

  @Test
  void a_lease_that_ended_completes_the_job_and_leaves_the_message_to_its_new_holder()
      throws Exception {
    List<Delivery> leased = new ArrayList<>();
    Job running = runningJob(leased);
    clock.advance(LEASE.plusSeconds(1));
    List<Delivery> again = queue.receive(1, LEASE, Duration.ZERO);
    assertThat(again).hasSize(1);

    Job done = running.next(JobStatus.COMPLETE, clock.instant(), 1, "jobs/x.json", null);
    assertThat(table.complete(done, leased.get(0))).isEqualTo(FinalWrite.WRITTEN);
    assertThat(queue.depth()).isEqualTo(1);
    // the new holder finds the job done and acknowledges
    assertThat(queue.settle(again.get(0), new Decision.AlreadyDone(JobStatus.COMPLETE))).isTrue();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void a_job_failed_for_good_and_its_dead_letter_are_one_write() throws Exception {
    List<Delivery> leased = new ArrayList<>();
    Job running = runningJob(leased);
    long writesBefore = db.stats().writes();

    Job failed = running.next(JobStatus.FAILED, clock.instant(), 1, null, "E: boom");
    assertThat(table.failForGood(failed, leased.get(0), "E: boom"))
        .isEqualTo(FinalWrite.WRITTEN_AND_SETTLED);

    assertThat(db.stats().writes() - writesBefore).isEqualTo(1);
    assertThat(queue.depth()).isZero();
    assertThat(new SqliteDeadLetters(db).list(10, Optional.empty()).items())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.message().jobId()).isEqualTo(failed.id());
              assertThat(d.reason()).isEqualTo("E: boom");
            });
    assertThat(queue.settle(leased.get(0), new Decision.DeadLetter("E: boom", true))).isTrue();
    assertThat(db.stats().writes() - writesBefore).isEqualTo(1);
  }

  @Test
  void a_conflicting_completion_writes_nothing_and_keeps_the_message() throws Exception {
    List<Delivery> leased = new ArrayList<>();
    Job running = runningJob(leased);
    Job cancelled = running.cancelRequested(clock.instant());
    assertThat(table.update(cancelled)).isTrue();

    Job stale = running.next(JobStatus.COMPLETE, clock.instant(), 1, "jobs/x.json", null);
    assertThat(table.complete(stale, leased.get(0))).isEqualTo(FinalWrite.CONFLICT);
    assertThat(queue.depth()).isEqualTo(1);
    assertThat(table.find(stale.id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
  }
}
