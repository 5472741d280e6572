package dev.qbi.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListJobsTest {

  private static final Owner ALICE = new Owner("alice-sub");
  private static final Owner BOB = new Owner("bob-sub");

  private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final ListJobs list = new ListJobs(table);

  /** Stores {@code n} jobs for {@code owner}, one second apart; returns them oldest first. */
  private List<Job> store(Owner owner, int n, JobStatus status) {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      clock.advance(Duration.ofSeconds(1));
      Instant now = clock.instant();
      Job job =
          new Job(
              JobId.random(), owner, status, now, now, 0, "md5", null, List.of(), 0, null, null, 0);
      table.put(job);
      jobs.add(job);
    }
    return jobs;
  }

  private Page<Job> page(Owner who, String status, Integer limit, String next) {
    return list.list(
        who, Optional.ofNullable(status), Optional.ofNullable(limit), Optional.ofNullable(next));
  }

  @Test
  void limit_outside_1_to_100_is_an_invalid_request() {
    for (int bad : new int[] {0, -1, 101, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> page(ALICE, null, bad, null))
          .as("limit %d", bad)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("100");
    }
  }

  @Test
  void limits_1_and_100_are_accepted() {
    store(ALICE, 3, JobStatus.SUBMITTED);

    assertThat(page(ALICE, null, 1, null).items()).hasSize(1);
    assertThat(page(ALICE, null, 100, null).items()).hasSize(3);
  }

  @Test
  void default_limit_is_25() {
    store(ALICE, 30, JobStatus.SUBMITTED);

    Page<Job> first = page(ALICE, null, null, null);

    assertThat(first.items()).hasSize(ListJobs.DEFAULT_LIMIT).hasSize(25);
    assertThat(first.next()).isPresent();
  }

  @Test
  void unknown_status_is_an_invalid_request() {
    for (String bad : List.of("done", "COMPLETE", "", "Complete ")) {
      assertThatThrownBy(() -> page(ALICE, bad, null, null))
          .as(bad)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("submitted, processing, complete, failed");
    }
  }

  @Test
  void status_filter_keeps_only_that_status() {
    store(ALICE, 2, JobStatus.SUBMITTED);
    List<Job> complete = store(ALICE, 3, JobStatus.COMPLETE);

    Page<Job> page = page(ALICE, "complete", null, null);

    assertThat(page.items()).containsExactlyInAnyOrderElementsOf(complete);
  }

  @Test
  void lists_only_the_callers_jobs_newest_first() {
    List<Job> alices = store(ALICE, 3, JobStatus.SUBMITTED);
    store(BOB, 2, JobStatus.SUBMITTED);

    Page<Job> page = page(ALICE, null, null, null);

    assertThat(page.items()).containsExactly(alices.get(2), alices.get(1), alices.get(0));
    assertThat(page.next()).isEmpty();
  }

  @Test
  void pages_follow_each_other_without_gaps_or_repeats() {
    List<Job> alices = store(ALICE, 7, JobStatus.SUBMITTED);

    Page<Job> first = page(ALICE, null, 3, null);
    Page<Job> second = page(ALICE, null, 3, first.next().orElseThrow());
    Page<Job> third = page(ALICE, null, 3, second.next().orElseThrow());

    List<Job> all = new ArrayList<>(first.items());
    all.addAll(second.items());
    all.addAll(third.items());
    assertThat(all).containsExactlyElementsOf(alices.reversed());
    assertThat(third.items()).hasSize(1);
    assertThat(third.next()).isEmpty();
  }
}
