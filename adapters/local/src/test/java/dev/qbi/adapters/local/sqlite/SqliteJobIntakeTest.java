package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJobIntakeTest {

  private static final Owner OWNER = new Owner("dave");

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
  private SqliteDatabase db;
  private SqliteJobQueue queue;
  private SqliteJobTable table;
  private SqliteJobIntake intake;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    queue = new SqliteJobQueue(db);
    table = new SqliteJobTable(db);
    intake = new SqliteJobIntake(db, queue);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private JobMessage submission(Job job) {
    return new JobMessage(
        job.id(),
        job.owner(),
        "{\"city\":\"Lima\"}".getBytes(StandardCharsets.UTF_8),
        job.submittedAt());
  }

  @Test
  void accepted_job_has_its_row_and_its_queued_message() throws Exception {
    Job job = Job.submitted(JobId.random(), OWNER, "md5", clock.instant());

    intake.accept(job, submission(job));

    assertThat(table.find(job.id())).contains(job);
    List<Delivery> got = queue.receive(10, Duration.ofMinutes(1), Duration.ZERO);
    assertThat(got).hasSize(1);
    assertThat(got.get(0).message().jobId()).isEqualTo(job.id());
    assertThat(got.get(0).message().owner()).isEqualTo(OWNER);
    assertThat(got.get(0).message().body()).isEqualTo(submission(job).body());
  }

  @Test
  void a_failed_intake_leaves_neither_row_nor_message() {
    Job job = Job.submitted(JobId.random(), OWNER, "md5", clock.instant());
    intake.accept(job, submission(job));
    Job clash =
        new Job(
            job.id(),
            OWNER,
            JobStatus.SUBMITTED,
            clock.instant(),
            clock.instant(),
            0,
            "other",
            null,
            List.of(),
            0,
            null,
            null,
            0);

    assertThatThrownBy(() -> intake.accept(clash, submission(clash)))
        .isInstanceOf(StorageException.class);

    assertThat(queue.depth()).as("the second message was rolled back with its row").isEqualTo(1);
    assertThat(table.find(job.id()).orElseThrow().payloadMd5()).isEqualTo("md5");
  }

  @Test
  void intake_wakes_a_receiver_waiting_for_work() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<List<Delivery>> waiting =
          pool.submit(() -> queue.receive(1, Duration.ofMinutes(1), Duration.ofSeconds(30)));
      Job job = Job.submitted(JobId.random(), OWNER, "md5", clock.instant());

      intake.accept(job, submission(job));

      List<Delivery> got = waiting.get(20, TimeUnit.SECONDS);
      assertThat(got).extracting(d -> d.message().jobId()).containsExactly(job.id());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void accepted_jobs_survive_a_restart() throws Exception {
    Job job = Job.submitted(JobId.random(), OWNER, "md5", clock.instant());
    intake.accept(job, submission(job));

    db.close();
    open();

    assertThat(table.find(job.id())).contains(job);
    assertThat(queue.receive(1, Duration.ofMinutes(1), Duration.ZERO)).hasSize(1);
  }

  @Test
  void intake_and_queue_must_share_the_database() {
    SqliteDatabase other = SqliteDatabase.open(dir.resolve("other.db"), clock);
    try {
      SqliteJobQueue foreign = new SqliteJobQueue(other);
      assertThatThrownBy(() -> new SqliteJobIntake(db, foreign))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      other.close();
    }
  }
}
