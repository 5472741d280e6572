package dev.qbi.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import dev.qbi.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobTable} adapter must do. Subclass once per adapter and implement {@link
 * #createTable}.
 */
public abstract class JobTableContract {

  protected static final Owner ALICE = new Owner("alice-sub");
  protected static final Owner BOB = new Owner("bob-sub");

  protected MutableClock clock;
  protected JobTable table;

  /** A new, empty table. */
  protected abstract JobTable createTable(MutableClock clock) throws Exception;

  @BeforeEach
  void createTableUnderTest() throws Exception {
    clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    table = createTable(clock);
  }

  /** A submitted job of {@code owner}, one second after the previous one. */
  protected Job newJob(Owner owner) {
    clock.advance(Duration.ofSeconds(1));
    return Job.submitted(
        JobId.random(), owner, "0cc175b9c0f1b6a831c399e269772661", clock.instant());
  }

  protected Job stored(Owner owner) {
    Job job = newJob(owner);
    assertThat(table.insertIfAbsent(job)).isTrue();
    return job;
  }

  /** The stored row of {@code job} moved to {@code status} (one attempt, no output or error). */
  protected Job advanced(Job job, JobStatus status) {
    Job current = table.find(job.id()).orElseThrow();
    Job next = current.next(status, clock.instant(), 1, null, null);
    assertThat(table.update(next)).as("update to %s", status).isTrue();
    return next;
  }

  protected JobStatus statusOf(Job job) {
    return table.find(job.id()).orElseThrow().status();
  }

  @Test
  void inserted_job_is_found_with_all_its_fields() {
    Job job =
        new Job(
            JobId.random(),
            ALICE,
            JobStatus.SUBMITTED,
            Instant.parse("2030-01-01T00:00:01.123456789Z"),
            Instant.parse("2030-01-01T00:00:02.5Z"),
            0,
            "900150983cd24fb0d6963f7d28e17f72",
            null,
            List.of(),
            0,
            null,
            null,
            0);

    assertThat(table.insertIfAbsent(job)).isTrue();

    assertThat(table.find(job.id())).contains(job);
  }

  @Test
  void insert_if_absent_keeps_the_first_row() {
    Job first = stored(ALICE);
    Job again =
        new Job(
            first.id(),
            BOB,
            JobStatus.SUBMITTED,
            clock.instant(),
            clock.instant(),
            0,
            "x",
            null,
            List.of(),
            0,
            null,
            null,
            0);

    assertThat(table.insertIfAbsent(again)).isFalse();

    assertThat(table.find(first.id())).contains(first);
  }

  @Test
  void unknown_id_is_not_found() {
    assertThat(table.find(JobId.random())).isEmpty();
  }

  @Test
  void update_records_status_time_attempts_output_errors_and_version() {
    Job job = stored(ALICE);
    Instant t1 = clock.instant().plusSeconds(5);
    Instant t2 = clock.instant().plusSeconds(9);

    Job processing = job.next(JobStatus.PROCESSING, t1, 1, null, null);
    assertThat(table.update(processing)).isTrue();
    Job retried = processing.next(JobStatus.PROCESSING, t1, 1, null, "java.io.IOException: flaky");
    assertThat(table.update(retried)).isTrue();
    Job stored = table.find(job.id()).orElseThrow();
    assertThat(stored).isEqualTo(retried);
    assertThat(stored.version()).isEqualTo(2);
    assertThat(stored.error()).isEqualTo("java.io.IOException: flaky");

    Job complete = retried.next(JobStatus.COMPLETE, t2, 2, "jobs/" + job.id() + ".json", null);
    assertThat(table.update(complete)).isTrue();
    Job found = table.find(job.id()).orElseThrow();
    assertThat(found).isEqualTo(complete);
    assertThat(found.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(found.updatedAt()).isEqualTo(t2);
    assertThat(found.attempts()).isEqualTo(2);
    assertThat(found.output()).contains("jobs/" + job.id() + ".json");
    assertThat(found.errors()).containsExactly("java.io.IOException: flaky");
    assertThat(found.failure()).isEmpty();
    assertThat(found.owner()).isEqualTo(ALICE);
    assertThat(found.payloadMd5()).isEqualTo(job.payloadMd5());
    assertThat(found.submittedAt()).isEqualTo(job.submittedAt());
  }

  @Test
  void the_errors_of_the_last_five_attempts_are_kept_in_order() {
    Job job = stored(ALICE);
    Job current = job.next(JobStatus.PROCESSING, clock.instant(), 1, null, null);
    assertThat(table.update(current)).isTrue();
    for (int attempt = 1; attempt <= 7; attempt++) {
      current =
          current.next(
              JobStatus.PROCESSING, clock.instant(), attempt, null, "E: attempt " + attempt);
      assertThat(table.update(current)).isTrue();
    }
    Job failed = current.next(JobStatus.FAILED, clock.instant(), 8, null, "E: attempt 8");
    assertThat(table.update(failed)).isTrue();

    Job found = table.find(job.id()).orElseThrow();
    assertThat(found.errors())
        .containsExactly(
            "E: attempt 4", "E: attempt 5", "E: attempt 6", "E: attempt 7", "E: attempt 8");
    assertThat(found.failure()).contains("E: attempt 8");
    assertThat(found.version()).isEqualTo(9);
  }

  @Test
  void an_update_computed_from_an_old_version_changes_nothing() {
    Job job = stored(ALICE);
    Job first = job.next(JobStatus.PROCESSING, clock.instant(), 1, null, null);
    Job second = job.next(JobStatus.PROCESSING, clock.instant(), 2, null, null);

    assertThat(table.update(first)).isTrue();
    assertThat(table.update(second)).as("computed from version 0, row is at 1").isFalse();

    assertThat(table.find(job.id())).contains(first);
  }

  @Test
  void update_of_an_unknown_job_returns_false() {
    Job ghost = newJob(ALICE);
    assertThat(table.update(ghost.next(JobStatus.PROCESSING, clock.instant(), 1, null, null)))
        .isFalse();
    assertThat(table.find(ghost.id())).isEmpty();
  }

  @Test
  void of_two_racing_deliveries_of_one_job_exactly_one_wins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 20; round++) {
        Job job = stored(ALICE);
        Job processing = advanced(job, JobStatus.PROCESSING);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> racers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
          // PROCESSING -> PROCESSING is what two redeliveries of a running job both try
          Job next =
              processing.next(JobStatus.PROCESSING, clock.instant(), 2 + r, null, "E: racer " + r);
          racers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return table.update(next);
                  }));
        }
        go.countDown();
        int wins = 0;
        for (Future<Boolean> f : racers) {
          if (f.get(30, TimeUnit.SECONDS)) {
            wins++;
          }
        }
        assertThat(wins).as("winners in round %d", round).isEqualTo(1);
        Job found = table.find(job.id()).orElseThrow();
        assertThat(found.version()).isEqualTo(2);
        assertThat(found.errors()).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cancel_requests_and_redrives_are_stored() {
    Job job = stored(ALICE);
    Job processing = advanced(job, JobStatus.PROCESSING);
    Instant asked = clock.instant().plusSeconds(3);
    Job stopping = processing.cancelRequested(asked);
    assertThat(table.update(stopping)).isTrue();
    assertThat(table.find(job.id()).orElseThrow().cancelRequestedAt()).isEqualTo(asked);

    Job failed = stopping.next(JobStatus.FAILED, clock.instant(), 1, null, "E: x");
    assertThat(table.update(failed)).isTrue();
    assertThat(table.find(job.id()).orElseThrow().cancelRequestedAt()).isNull();
    Instant redrive = clock.instant().plusSeconds(9);
    Job again = failed.redriven(redrive);
    assertThat(table.update(again)).isTrue();

    Job found = table.find(job.id()).orElseThrow();
    assertThat(found).isEqualTo(again);
    assertThat(found.status()).isEqualTo(JobStatus.SUBMITTED);
    assertThat(found.redrivenAt()).isEqualTo(redrive);
    assertThat(found.errors()).containsExactly("E: x");
  }

  @Test
  void a_terminal_job_is_not_changed_by_a_late_delivery() {
    Job job = stored(ALICE);
    Job processing = advanced(job, JobStatus.PROCESSING);
    advanced(job, JobStatus.COMPLETE);

    Job late = processing.next(JobStatus.FAILED, clock.instant(), 2, null, "E: late");
    assertThat(table.update(late)).isFalse();

    assertThat(statusOf(job)).isEqualTo(JobStatus.COMPLETE);
  }

  @Test
  void listing_is_newest_first() {
    Job a = stored(ALICE);
    Job b = stored(ALICE);
    Job c = stored(ALICE);

    Page<Job> page = table.listByOwner(ALICE, Optional.empty(), 10, Optional.empty());

    assertThat(ids(page.items())).containsExactly(c.id(), b.id(), a.id());
    assertThat(page.next()).isEmpty();
  }

  @Test
  void pages_walk_every_job_once_newest_first() {
    List<JobId> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      expected.add(0, stored(ALICE).id());
    }

    List<JobId> seen = walk(ALICE, Optional.empty(), 3);

    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void first_page_has_a_next_token_when_more_jobs_remain() {
    for (int i = 0; i < 3; i++) {
      stored(ALICE);
    }

    Page<Job> first = table.listByOwner(ALICE, Optional.empty(), 2, Optional.empty());

    assertThat(first.items()).hasSize(2);
    assertThat(first.next()).isPresent();
  }

  @Test
  void jobs_submitted_at_the_same_instant_are_all_listed_once() {
    Instant same = clock.instant().plusSeconds(60);
    List<JobId> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Job job = Job.submitted(JobId.random(), ALICE, "md5", same);
      table.insertIfAbsent(job);
      all.add(job.id());
    }

    List<JobId> seen = walk(ALICE, Optional.empty(), 2);

    assertThat(seen).containsExactlyInAnyOrderElementsOf(all).doesNotHaveDuplicates();
  }

  @Test
  void status_filter_lists_only_jobs_in_that_status() {
    List<JobId> processing = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Job job = stored(ALICE);
      if (i % 2 == 0) {
        advanced(job, JobStatus.PROCESSING);
        processing.add(0, job.id());
      }
    }

    assertThat(walk(ALICE, Optional.of(JobStatus.PROCESSING), 2))
        .containsExactlyElementsOf(processing);
    assertThat(walk(ALICE, Optional.of(JobStatus.SUBMITTED), 10)).hasSize(2);
    assertThat(walk(ALICE, Optional.of(JobStatus.COMPLETE), 10)).isEmpty();
  }

  @Test
  void owners_see_only_their_own_jobs() {
    Job a1 = stored(ALICE);
    Job b1 = stored(BOB);
    Job a2 = stored(ALICE);

    assertThat(walk(ALICE, Optional.empty(), 10)).containsExactly(a2.id(), a1.id());
    assertThat(walk(BOB, Optional.empty(), 10)).containsExactly(b1.id());
    assertThat(walk(new Owner("nobody"), Optional.empty(), 10)).isEmpty();
  }

  @Test
  void a_cursor_this_table_did_not_make_is_refused() {
    stored(ALICE);

    for (String bad : List.of("not a cursor", "eyJ4IjoxfQ", "!!!", "")) {
      assertThatThrownBy(() -> table.listByOwner(ALICE, Optional.empty(), 10, Optional.of(bad)))
          .as("cursor %s", bad)
          .isInstanceOf(InvalidRequestException.class);
    }
  }

  protected List<JobId> walk(Owner owner, Optional<JobStatus> status, int limit) {
    List<JobId> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    for (int guard = 0; guard < 1000; guard++) {
      Page<Job> page = table.listByOwner(owner, status, limit, cursor);
      assertThat(page.items().size()).isLessThanOrEqualTo(limit);
      for (Job j : page.items()) {
        assertThat(j.owner()).isEqualTo(owner);
        status.ifPresent(s -> assertThat(j.status()).isEqualTo(s));
        seen.add(j.id());
      }
      if (page.next().isEmpty()) {
        return seen;
      }
      cursor = page.next();
    }
    throw new AssertionError("pagination never ended");
  }

  protected static List<JobId> ids(List<Job> jobs) {
    return jobs.stream().map(Job::id).toList();
  }
}
