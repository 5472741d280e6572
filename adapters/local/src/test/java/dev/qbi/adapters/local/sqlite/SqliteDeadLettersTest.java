package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead-letter table: listing, a redrive that moves the job and its message together, purge. */
class SqliteDeadLettersTest {

  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final Owner OWNER = new Owner("dora");

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingAt("2031-05-01T08:00:00Z");
  private SqliteDatabase db;
  private SqliteJobQueue queue;
  private SqliteJobTable table;
  private SqliteJobIntake intake;
  private SqliteDeadLetters deadLetters;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    queue = new SqliteJobQueue(db);
    table = new SqliteJobTable(db);
    intake = new SqliteJobIntake(db, queue);
    deadLetters = new SqliteDeadLetters(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** A job that failed on its only delivery, its message dead-lettered as the worker does it. */
  private Job failedJob(String body) throws InterruptedException {
    Job job = Job.submitted(JobId.random(), OWNER, "md5", clock.instant());
    intake.accept(
        job,
        new JobMessage(job.id(), OWNER, body.getBytes(StandardCharsets.UTF_8), clock.instant()));
    Delivery d = queue.receive(1, LEASE, Duration.ZERO).getFirst();
    Job running = job.next(JobStatus.PROCESSING, clock.instant(), d.receiveCount(), null, null);
    Job failed = running.next(JobStatus.FAILED, clock.instant(), 1, null, "E: " + body);
    assertThat(table.update(running) && table.update(failed)).isTrue();
    assertThat(queue.settle(d, new Decision.DeadLetter("E: " + body))).isTrue();
    clock.advance(Duration.ofSeconds(1));
    return failed;
  }

  @Test
  void a_redrive_moves_the_job_to_submitted_and_its_message_to_the_queue_together()
      throws Exception {
    Job failed = failedJob("{\"a\":1}");
    Job other = failedJob("{\"b\":1}");
    Job next = failed.redriven(clock.instant());

    assertThat(deadLetters.redrive(List.of(next))).containsExactly(failed.id());

    assertThat(table.find(failed.id()).orElseThrow()).isEqualTo(next);
    assertThat(deadLetters.find(failed.id())).isEmpty();
    assertThat(deadLetters.find(other.id())).isPresent();
    List<Delivery> back = queue.receive(10, LEASE, Duration.ZERO);
    assertThat(back)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.message().jobId()).isEqualTo(failed.id());
              assertThat(d.receiveCount()).as("a new series of deliveries").isEqualTo(1);
              assertThat(new String(d.message().body(), StandardCharsets.UTF_8))
                  .isEqualTo("{\"a\":1}");
            });
  }

  @Test
  void a_job_that_changed_since_it_was_read_is_left_as_it_is() throws Exception {
    Job failed = failedJob("{}");
    Job next = failed.redriven(clock.instant());
    Job fromAnotherVersion =
        new Job(
            next.id(),
            next.owner(),
            next.status(),
            next.submittedAt(),
            next.updatedAt(),
            next.attempts(),
            next.payloadMd5(),
            next.outputKey(),
            next.errors(),
            next.version() + 1,
            next.cancelRequestedAt(),
            next.redrivenAt(),
            0);

    assertThat(deadLetters.redrive(List.of(fromAnotherVersion))).isEmpty();

    assertThat(table.find(failed.id()).orElseThrow()).isEqualTo(failed);
    assertThat(deadLetters.find(failed.id())).isPresent();
    assertThat(queue.depth()).isZero();
    assertThat(deadLetters.redrive(List.of(next))).containsExactly(failed.id());
    assertThat(deadLetters.redrive(List.of(next))).as("done once").isEmpty();
  }

  @Test
  void a_job_without_a_dead_letter_is_not_touched() throws Exception {
    Job failed = failedJob("{}");
    deadLetters.purge(failed.id());

    assertThat(deadLetters.redrive(List.of(failed.redriven(clock.instant())))).isEmpty();

    assertThat(table.find(failed.id()).orElseThrow()).isEqualTo(failed);
    assertThat(queue.depth()).isZero();
  }

  @Test
  void a_job_with_several_dead_letters_gets_one_message_back_and_loses_them_all() throws Exception {
    Job failed = failedJob("{\"first\":1}");
    queue.send(
        new JobMessage(
            failed.id(), OWNER, "{\"dup\":1}".getBytes(StandardCharsets.UTF_8), clock.instant()));
    queue.settle(queue.receive(1, LEASE, Duration.ZERO).getFirst(), new Decision.DeadLetter("dup"));
    assertThat(deadLetters.depth()).isEqualTo(2);
    assertThat(deadLetters.find(failed.id()).orElseThrow().reason()).isEqualTo("dup");

    assertThat(deadLetters.redrive(List.of(failed.redriven(clock.instant())))).hasSize(1);

    assertThat(deadLetters.depth()).isZero();
    assertThat(queue.depth()).isEqualTo(1);
  }

  @Test
  void a_redrive_wakes_a_waiting_receiver() throws Exception {
    Job failed = failedJob("{}");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<List<Delivery>> waiting =
          pool.submit(() -> queue.receive(1, LEASE, Duration.ofSeconds(30)));

      deadLetters.redrive(List.of(failed.redriven(clock.instant())));

      assertThat(waiting.get(20, TimeUnit.SECONDS))
          .singleElement()
          .satisfies(d -> assertThat(d.message().jobId()).isEqualTo(failed.id()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void list_pages_oldest_first_and_refuses_a_forged_cursor() throws Exception {
    Job a = failedJob("{\"a\":1}");
    Job b = failedJob("{\"b\":1}");
    Job c = failedJob("{\"c\":1}");

    Page<DeadLetter> first = deadLetters.list(2, Optional.empty());
    Page<DeadLetter> second = deadLetters.list(2, first.next());

    assertThat(first.items()).extracting(DeadLetter::jobId).containsExactly(a.id(), b.id());
    assertThat(second.items()).extracting(DeadLetter::jobId).containsExactly(c.id());
    assertThat(second.next()).isEmpty();
    DeadLetter dead = first.items().getFirst();
    assertThat(dead.receiveCount()).isEqualTo(1);
    assertThat(dead.reason()).isEqualTo("E: {\"a\":1}");
    assertThat(dead.bodyBytes()).isEqualTo(7);
    assertThat(dead.message().owner()).isEqualTo(OWNER);
    assertThat(deadLetters.depth()).isEqualTo(3);
    assertThatThrownBy(() -> deadLetters.list(2, Optional.of("bm90LWEtY3Vyc29y")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void purge_removes_a_jobs_dead_letters_and_leaves_the_job_failed() throws Exception {
    Job failed = failedJob("{}");
    Job kept = failedJob("{}");

    assertThat(deadLetters.purge(failed.id())).isEqualTo(1);
    assertThat(deadLetters.purge(failed.id())).isZero();

    assertThat(deadLetters.find(failed.id())).isEmpty();
    assertThat(deadLetters.find(kept.id())).isPresent();
    assertThat(table.find(failed.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    assertThat(queue.depth()).isZero();
  }

  @Test
  void purge_oldest_removes_in_steps() throws Exception {
    for (int i = 0; i < 5; i++) {
      failedJob("{}");
    }

    assertThat(deadLetters.purgeOldest(3)).isEqualTo(3);
    assertThat(deadLetters.purgeOldest(3)).isEqualTo(2);
    assertThat(deadLetters.purgeOldest(3)).isZero();
  }
}
