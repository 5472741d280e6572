package dev.qbi.runtime.local.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.adapters.local.files.FilePayloadStore;
import dev.qbi.adapters.local.files.UrlSigner;
import dev.qbi.adapters.local.sqlite.SqliteDatabase;
import dev.qbi.adapters.local.sqlite.SqliteDeadLetters;
import dev.qbi.adapters.local.sqlite.SqliteJobIntake;
import dev.qbi.adapters.local.sqlite.SqliteJobQueue;
import dev.qbi.adapters.local.sqlite.SqliteJobTable;
import dev.qbi.adapters.local.sqlite.SqliteRetention;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.MutableClock;
import dev.qbi.core.usecase.InProcessJobExecutor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention with a settable clock: what goes, what stays, the metric. */
class RetentionSweeperTest {

  private static final Owner OWNER = new Owner("keeper");
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final Duration LEASE = Duration.ofMinutes(5);

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingAt("2033-03-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private SqliteDatabase db;
  private SqliteJobQueue queue;
  private SqliteJobTable table;
  private SqliteJobIntake intake;
  private FilePayloadStore payloads;
  private RetentionSweeper sweeper;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    queue = new SqliteJobQueue(db);
    table = new SqliteJobTable(db);
    intake = new SqliteJobIntake(db, queue);
    payloads =
        new FilePayloadStore(
            dir.resolve("payloads"),
            URI.create("http://127.0.0.1:1"),
            new UrlSigner(new byte[32], clock),
            false);
    sweeper =
        new RetentionSweeper(
            new SqliteRetention(db),
            payloads,
            clock,
            RETENTION,
            Duration.ofHours(1),
            Duration.ZERO,
            registry);
  }

  @AfterEach
  void close() {
    sweeper.close();
    db.close();
  }

  /** A job run through the lifecycle to {@code status}, with an output file when complete. */
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
    String key = null;
    if (status == JobStatus.COMPLETE) {
      key = InProcessJobExecutor.outputKey(job.id());
      payloads.put(key, "{\"out\":1}".getBytes(StandardCharsets.UTF_8), "application/json");
    }
    Job end =
        running.next(status, clock.instant(), 1, key, status == JobStatus.FAILED ? "E: x" : null);
    table.update(end);
    queue.settle(
        d,
        status == JobStatus.FAILED
            ? new Decision.DeadLetter("E: x")
            : new Decision.Completed(String.valueOf(key)));
    return end;
  }

  private boolean exists(Job job) {
    return table.find(job.id()).isPresent();
  }

  private Path outputOf(Job job) {
    return payloads.pathOf(InProcessJobExecutor.outputKey(job.id()));
  }

  @Test
  void old_terminal_jobs_and_their_files_go_young_ones_running_ones_and_dead_letters_stay()
      throws Exception {
    Job oldComplete = job(JobStatus.COMPLETE);
    Job oldCancelled = job(JobStatus.CANCELLED);
    Job oldFailedPurged = job(JobStatus.FAILED);
    new SqliteDeadLetters(db).purge(oldFailedPurged.id());
    Job oldDeadLettered = job(JobStatus.FAILED);
    Job oldSubmitted = job(JobStatus.SUBMITTED);
    Job oldProcessing = job(JobStatus.PROCESSING);
    clock.advance(Duration.ofDays(10));
    Job youngComplete = job(JobStatus.COMPLETE);
    assertThat(outputOf(oldComplete)).exists();

    clock.advance(Duration.ofDays(15));
    RetentionSweeper.Pass early = sweeper.sweep();
    assertThat(early.jobs()).as("nothing is 30 days old yet").isZero();
    assertThat(exists(oldComplete)).isTrue();

    clock.advance(Duration.ofDays(6));
    RetentionSweeper.Pass pass = sweeper.sweep();

    assertThat(pass.jobs()).isEqualTo(3);
    assertThat(pass.outputs()).isEqualTo(1);
    assertThat(exists(oldComplete)).isFalse();
    assertThat(outputOf(oldComplete)).doesNotExist();
    assertThat(exists(oldCancelled)).isFalse();
    assertThat(exists(oldFailedPurged)).isFalse();
    assertThat(exists(oldDeadLettered)).as("kept while its dead letter waits").isTrue();
    assertThat(new SqliteDeadLetters(db).find(oldDeadLettered.id())).isPresent();
    assertThat(exists(oldSubmitted)).isTrue();
    assertThat(exists(oldProcessing)).isTrue();
    assertThat(exists(youngComplete)).isTrue();
    assertThat(outputOf(youngComplete)).exists();
    assertThat(registry.get("ingest.retention.deleted.jobs").counter().count()).isEqualTo(3.0);
    assertThat(registry.get("ingest.retention.deleted.outputs").counter().count()).isEqualTo(1.0);

    new SqliteDeadLetters(db).purge(oldDeadLettered.id());
    clock.advance(Duration.ofDays(10));
    RetentionSweeper.Pass later = sweeper.sweep();
    assertThat(later.jobs()).isEqualTo(2);
    assertThat(exists(oldDeadLettered)).as("gone once purged").isFalse();
    assertThat(exists(youngComplete)).isFalse();
    assertThat(outputOf(youngComplete)).doesNotExist();
  }

  @Test
  void a_pass_works_through_many_batches_and_tolerates_missing_files() throws Exception {
    int n = RetentionSweeper.BATCH * 2 + 17;
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Job submitted = Job.submitted(JobId.random(), OWNER, "md5", clock.instant());
      String key = InProcessJobExecutor.outputKey(submitted.id());
      jobs.add(
          submitted
              .next(JobStatus.PROCESSING, clock.instant(), 1, null, null)
              .next(JobStatus.COMPLETE, clock.instant(), 1, key, null));
    }
    // concurrent writes share group commits: quicker than one commit per job
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Job job : jobs) {
        pool.submit(
            () -> {
              payloads.put(job.outputKey(), new byte[] {'{', '}'}, "application/json");
              return table.insertIfAbsent(job);
            });
      }
    }
    Files.delete(outputOf(jobs.get(3)));
    clock.advance(RETENTION.plusSeconds(1));

    RetentionSweeper.Pass pass = sweeper.sweep();

    assertThat(pass.jobs()).isEqualTo(n);
    assertThat(pass.outputs()).isEqualTo(n - 1);
    assertThat(pass.batches()).isEqualTo(3);
    assertThat(new SqliteRetention(db).expired(clock.instant(), Optional.empty(), 10)).isEmpty();
    try (var files = Files.list(dir.resolve("payloads").resolve("jobs"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void the_background_thread_sweeps_on_its_own() throws Exception {
    Job old = job(JobStatus.COMPLETE);
    clock.advance(RETENTION.plusDays(1));

    sweeper.start();

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (exists(old) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(exists(old)).isFalse();
  }

  @Test
  void retention_must_be_positive() {
    assertThatThrownBy(
            () ->
                new RetentionSweeper(
                    new SqliteRetention(db),
                    payloads,
                    clock,
                    Duration.ZERO,
                    Duration.ofMinutes(1),
                    Duration.ZERO,
                    registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention");
  }
}
