package dev.qbi.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.ConflictException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.JobFixtures;
import dev.qbi.core.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CancelJobTest {

  private static final Owner ALICE = new Owner("alice");
  private static final Owner BOB = new Owner("bob");

  private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final CancelJob cancel = new CancelJob(table, clock);

  private Job submitted() {
    Job job = Job.submitted(JobId.random(), ALICE, "md5", clock.instant());
    table.insertIfAbsent(job);
    return job;
  }

  @Test
  void a_submitted_job_is_cancelled_at_once() {
    Job job = submitted();
    clock.advance(Duration.ofSeconds(5));

    Job after = cancel.cancel(ALICE, job.id());

    assertThat(after.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(table.find(job.id()).orElseThrow()).isEqualTo(after);
    assertThat(after.updatedAt()).isEqualTo(clock.instant());
  }

  @Test
  void a_processing_job_is_asked_to_stop_and_asking_again_changes_nothing() {
    Job job = submitted();
    table.update(job.next(JobStatus.PROCESSING, clock.instant(), 1, null, null));

    Job after = cancel.cancel(ALICE, job.id());
    Job again = cancel.cancel(ALICE, job.id());

    assertThat(after.status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(after.isCancelRequested()).isTrue();
    assertThat(again).isEqualTo(after);
    assertThat(table.find(job.id()).orElseThrow().version()).isEqualTo(after.version());
  }

  @Test
  void finished_jobs_cannot_be_cancelled() {
    Job done = JobFixtures.completed(table, JobId.random(), ALICE, clock.instant(), "jobs/x.json");

    assertThatThrownBy(() -> cancel.cancel(ALICE, done.id()))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("complete");
    Job job = submitted();
    cancel.cancel(ALICE, job.id());
    assertThatThrownBy(() -> cancel.cancel(ALICE, job.id()))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("cancelled");
  }

  @Test
  void another_users_job_is_not_found_and_stays_as_it_was() {
    Job job = submitted();

    assertThatThrownBy(() -> cancel.cancel(BOB, job.id())).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> cancel.cancel(ALICE, JobId.random()))
        .isInstanceOf(JobNotFoundException.class);
    assertThat(table.find(job.id()).orElseThrow()).isEqualTo(job);
  }
}
