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
import dev.qbi.core.port.JobTable.Transition;
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

  protected Transition to(JobStatus status) {
    return new Transition(status, clock.instant(), 1, null, null);
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
            null);

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
            null);

    assertThat(table.insertIfAbsent(again)).isFalse();

    assertThat(table.find(first.id())).contains(first);
  }

  @Test
  void unknown_id_is_not_found() {
    assertThat(table.find(JobId.random())).isEmpty();
  }

  @Test
  void transition_records_status_time_attempts_output_and_error() {
    Job job = stored(ALICE);
    Instant t1 = clock.instant().plusSeconds(5);
    Instant t2 = clock.instant().plusSeconds(9);

    assertThat(
            table.transition(
                job.id(),
                JobStatus.SUBMITTED,
                new Transition(JobStatus.PROCESSING, t1, 1, null, "java.io.IOException: flaky")))
        .isTrue();
    Job processing = table.find(job.id()).orElseThrow();
    assertThat(processing.status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(processing.updatedAt()).isEqualTo(t1);
    assertThat(processing.attempts()).isEqualTo(1);
    assertThat(processing.error()).isEqualTo("java.io.IOException: flaky");
    assertThat(processing.submittedAt()).isEqualTo(job.submittedAt());

    assertThat(
            table.transition(
                job.id(),
                JobStatus.PROCESSING,
                new Transition(JobStatus.COMPLETE, t2, 2, "jobs/" + job.id() + ".json", null)))
        .isTrue();
    Job complete = table.find(job.id()).orElseThrow();
    assertThat(complete.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(complete.updatedAt()).isEqualTo(t2);
    assertThat(complete.attempts()).isEqualTo(2);
    assertThat(complete.output()).contains("jobs/" + job.id() + ".json");
    assertThat(complete.failure()).isEmpty();
    assertThat(complete.owner()).isEqualTo(ALICE);
    assertThat(complete.payloadMd5()).isEqualTo(job.payloadMd5());
  }

  @Test
  void processing_to_processing_is_a_retry() {
    Job job = stored(ALICE);
    table.transition(job.id(), JobStatus.SUBMITTED, to(JobStatus.PROCESSING));

    assertThat(
            table.transition(
                job.id(),
                JobStatus.PROCESSING,
                new Transition(JobStatus.PROCESSING, clock.instant(), 2, null, "E: x")))
        .isTrue();
    assertThat(table.find(job.id()).orElseThrow().attempts()).isEqualTo(2);
  }

  @Test
  void transition_from_a_status_the_job_is_not_in_changes_nothing() {
    Job job = stored(ALICE);

    assertThat(table.transition(job.id(), JobStatus.PROCESSING, to(JobStatus.COMPLETE))).isFalse();

    assertThat(table.find(job.id())).contains(job);
  }

  @Test
  void transition_of_an_unknown_job_returns_false() {
    assertThat(table.transition(JobId.random(), JobStatus.SUBMITTED, to(JobStatus.PROCESSING)))
        .isFalse();
  }

  @Test
  void of_two_racing_transitions_exactly_one_wins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 20; round++) {
        Job job = stored(ALICE);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> racers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
          JobStatus target = r % 2 == 0 ? JobStatus.PROCESSING : JobStatus.FAILED;
          racers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return table.transition(job.id(), JobStatus.SUBMITTED, to(target));
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
        assertThat(statusOf(job)).isIn(JobStatus.PROCESSING, JobStatus.FAILED);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void illegal_transition_is_refused_and_changes_nothing() {
    Job job = stored(ALICE);

    assertThatThrownBy(
            () -> table.transition(job.id(), JobStatus.SUBMITTED, to(JobStatus.COMPLETE)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> table.transition(job.id(), JobStatus.SUBMITTED, to(JobStatus.SUBMITTED)))
        .isInstanceOf(IllegalStateException.class);

    assertThat(table.find(job.id())).contains(job);
  }

  @Test
  void terminal_state_never_changes() {
    Job job = stored(ALICE);
    table.transition(job.id(), JobStatus.SUBMITTED, to(JobStatus.PROCESSING));
    table.transition(job.id(), JobStatus.PROCESSING, to(JobStatus.COMPLETE));

    for (JobStatus next : JobStatus.values()) {
      assertThatThrownBy(() -> table.transition(job.id(), JobStatus.COMPLETE, to(next)))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(table.transition(job.id(), JobStatus.PROCESSING, to(JobStatus.FAILED))).isFalse();
    assertThat(table.transition(job.id(), JobStatus.SUBMITTED, to(JobStatus.PROCESSING))).isFalse();

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
        table.transition(job.id(), JobStatus.SUBMITTED, to(JobStatus.PROCESSING));
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
