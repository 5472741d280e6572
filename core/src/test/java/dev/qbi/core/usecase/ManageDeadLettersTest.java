package dev.qbi.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.Defaults;
import dev.qbi.core.error.ConflictException;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.testing.InMemoryDeadLetters;
import dev.qbi.core.testing.InMemoryJobIntake;
import dev.qbi.core.testing.InMemoryJobQueue;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.InMemoryPayloadStore;
import dev.qbi.core.testing.JobFixtures;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ManageDeadLettersTest {

  private static final Owner ALICE = new Owner("alice");
  private static final Duration LEASE = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final InMemoryJobQueue queue = new InMemoryJobQueue(clock);
  private final InMemoryDeadLetters deadLetters = new InMemoryDeadLetters(table, queue, clock);
  private final ManageDeadLetters manage = new ManageDeadLetters(table, deadLetters, clock);
  private final AtomicBoolean outage = new AtomicBoolean(true);
  private final ProcessJob process =
      new ProcessJob(
          table,
          new InProcessJobExecutor(new FlakyHandler(), new InMemoryPayloadStore(clock)),
          clock,
          ProcessJob.RetryPolicy.withMaxReceiveCount(3));
  private final SubmitJob submit =
      new SubmitJob(new InMemoryJobIntake(table, queue), clock, Defaults.MAX_BODY_BYTES);

  /** Fails while {@link #outage} is set. */
  private final class FlakyHandler implements JobHandler {
    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public Output handle(Request request) {
      if (outage.get()) {
        throw new IllegalStateException("upstream down at " + clock.instant());
      }
      return new Output("{}".getBytes(StandardCharsets.UTF_8), "application/json");
    }
  }

  /** Submits a job and runs it until it is dead-lettered (moved to the store as a queue would). */
  private JobId deadLetteredJob() throws InterruptedException {
    JobId id = submit.submit(ALICE, "{\"n\":1}".getBytes(StandardCharsets.UTF_8)).messageId();
    Decision decision;
    do {
      clock.advance(Duration.ofMinutes(2));
      Delivery d = queue.receive(1, LEASE, Duration.ZERO).getFirst();
      decision = process.process(d);
      queue.settle(d, decision);
    } while (!(decision instanceof Decision.DeadLetter));
    InMemoryJobQueue.DeadLetter dead = queue.deadLetters().getLast();
    deadLetters.add(dead.message(), dead.receiveCount(), dead.reason());
    return id;
  }

  @Test
  void a_redrive_runs_the_job_again_as_a_new_series_of_attempts_and_keeps_its_history()
      throws Exception {
    JobId id = deadLetteredJob();
    Job failed = table.find(id).orElseThrow();
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.errors()).hasSize(3);
    outage.set(false);
    clock.advance(Duration.ofMinutes(1));

    Job redriven = manage.redrive(id);

    assertThat(redriven.status()).isEqualTo(JobStatus.SUBMITTED);
    assertThat(redriven.redrivenAt()).isEqualTo(clock.instant());
    assertThat(table.find(id).orElseThrow()).isEqualTo(redriven);
    assertThat(deadLetters.depth()).isZero();
    Delivery again = queue.receive(1, LEASE, Duration.ZERO).getFirst();
    assertThat(again.receiveCount()).as("a fresh series of deliveries").isEqualTo(1);
    assertThat(process.process(again)).isInstanceOf(Decision.Completed.class);
    Job done = table.find(id).orElseThrow();
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(done.errors()).isEqualTo(failed.errors());
    assertThat(done.redrivenAt()).isEqualTo(redriven.redrivenAt());
  }

  @Test
  void a_redriven_job_that_fails_again_gets_the_full_number_of_deliveries() throws Exception {
    JobId id = deadLetteredJob();
    manage.redrive(id);

    int deliveries = 0;
    Decision decision;
    do {
      clock.advance(Duration.ofMinutes(2));
      Delivery d = queue.receive(1, LEASE, Duration.ZERO).getFirst();
      deliveries++;
      decision = process.process(d);
      queue.settle(d, decision);
    } while (!(decision instanceof Decision.DeadLetter));

    assertThat(deliveries).isEqualTo(3);
    assertThat(table.find(id).orElseThrow().errors()).hasSize(Job.MAX_ERRORS);
  }

  @Test
  void only_a_failed_job_is_redriven_and_the_dead_letter_stays_when_refused() {
    Job complete =
        JobFixtures.completed(table, JobId.random(), ALICE, clock.instant(), "jobs/x.json");
    deadLetters.add(message(complete.id()), 3, "boom");

    assertThatThrownBy(() -> manage.redrive(complete.id()))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is complete");
    assertThat(deadLetters.find(complete.id())).isPresent();
    assertThat(queue.depth()).isZero();
    assertThat(table.find(complete.id()).orElseThrow()).isEqualTo(complete);
  }

  @Test
  void a_dead_letter_without_a_job_row_is_refused() {
    JobId orphan = JobId.random();
    deadLetters.add(message(orphan), 3, "boom");

    assertThatThrownBy(() -> manage.redrive(orphan))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("no job record");
  }

  @Test
  void redrive_show_and_purge_of_a_job_without_a_dead_letter_are_not_found() {
    JobId id = JobId.random();

    assertThatThrownBy(() -> manage.redrive(id)).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> manage.show(id)).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> manage.purge(id)).isInstanceOf(JobNotFoundException.class);
  }

  @Test
  void show_gives_the_dead_letter_with_the_job_and_its_errors() throws Exception {
    JobId id = deadLetteredJob();

    ManageDeadLetters.Detail detail = manage.show(id);

    assertThat(detail.deadLetter().jobId()).isEqualTo(id);
    assertThat(detail.deadLetter().receiveCount()).isEqualTo(3);
    assertThat(detail.deadLetter().bodyBytes()).isEqualTo(7);
    assertThat(detail.job().orElseThrow().errors())
        .hasSize(3)
        .allMatch(e -> e.contains("upstream"));
  }

  @Test
  void purge_removes_the_dead_letter_for_good_and_leaves_the_job_failed() throws Exception {
    JobId id = deadLetteredJob();

    assertThat(manage.purge(id)).isEqualTo(1);

    assertThat(deadLetters.depth()).isZero();
    assertThat(table.find(id).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    assertThat(queue.depth()).isZero();
    assertThatThrownBy(() -> manage.redrive(id)).isInstanceOf(JobNotFoundException.class);
  }

  @Test
  void redrive_all_takes_every_failed_job_back_and_reports_the_rest() throws Exception {
    List<JobId> failed = List.of(deadLetteredJob(), deadLetteredJob(), deadLetteredJob());
    Job complete =
        JobFixtures.completed(table, JobId.random(), ALICE, clock.instant(), "jobs/y.json");
    deadLetters.add(message(complete.id()), 3, "stale");
    for (int i = 0; i < 250; i++) {
      Job job = Job.submitted(JobId.random(), ALICE, "md5", clock.instant());
      table.insertIfAbsent(job);
      Job processing = job.next(JobStatus.PROCESSING, clock.instant(), 3, null, null);
      table.update(processing);
      table.update(processing.next(JobStatus.FAILED, clock.instant(), 3, null, "boom"));
      deadLetters.add(message(job.id()), 3, "boom");
    }

    ManageDeadLetters.BulkRedrive result = manage.redriveAll();

    assertThat(result.redriven()).isEqualTo(253);
    assertThat(result.skippedCount()).isEqualTo(1);
    assertThat(result.skipped())
        .singleElement()
        .satisfies(s -> assertThat(s.jobId()).isEqualTo(complete.id()));
    assertThat(deadLetters.depth()).isEqualTo(1);
    assertThat(queue.depth()).isEqualTo(253);
    failed.forEach(
        id -> assertThat(table.find(id).orElseThrow().status()).isEqualTo(JobStatus.SUBMITTED));
  }

  @Test
  void purge_all_empties_the_store_in_steps() {
    for (int i = 0; i < 1234; i++) {
      deadLetters.add(message(JobId.random()), 3, "x");
    }

    assertThat(manage.purgeAll()).isEqualTo(1234);
    assertThat(manage.depth()).isZero();
  }

  @Test
  void list_pages_oldest_first_and_checks_its_limit() {
    List<DeadLetter> added =
        List.of(
            deadLetters.add(message(JobId.random()), 3, "a"),
            deadLetters.add(message(JobId.random()), 3, "b"),
            deadLetters.add(message(JobId.random()), 3, "c"));

    Page<DeadLetter> first = manage.list(Optional.of(2), Optional.empty());
    Page<DeadLetter> second = manage.list(Optional.of(2), first.next());

    assertThat(first.items()).containsExactly(added.get(0), added.get(1));
    assertThat(second.items()).containsExactly(added.get(2));
    assertThat(second.next()).isEmpty();
    assertThatThrownBy(() -> manage.list(Optional.of(0), Optional.empty()))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(
            () -> manage.list(Optional.of(ManageDeadLetters.MAX_LIMIT + 1), Optional.empty()))
        .isInstanceOf(InvalidRequestException.class);
  }

  private JobMessage message(JobId id) {
    return new JobMessage(id, ALICE, "{}".getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
  }
}
