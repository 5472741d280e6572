package dev.qbi.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.InMemoryPayloadStore;
import dev.qbi.core.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobStatusQueryTest {

  private static final Owner ALICE = new Owner("alice-sub");
  private static final Owner BOB = new Owner("bob-sub");
  private static final Duration TTL = Duration.ofSeconds(3600);

  private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final InMemoryPayloadStore payloads = new InMemoryPayloadStore(clock);
  private final JobStatusQuery query = new JobStatusQuery(table, payloads, TTL);

  private Job stored(Owner owner, JobStatus status, String outputKey, String error) {
    Instant now = clock.instant();
    Job job =
        new Job(
            JobId.random(),
            owner,
            status,
            now,
            now,
            1,
            "md5",
            outputKey,
            error == null ? List.of() : List.of(error),
            2,
            null,
            null,
            0);
    table.put(job);
    return job;
  }

  @Test
  void another_owners_job_is_not_found_with_the_original_wording() {
    Job bobs = stored(BOB, JobStatus.COMPLETE, "jobs/x.json", null);

    assertThatThrownBy(() -> query.status(ALICE, bobs.id()))
        .isInstanceOf(JobNotFoundException.class)
        .hasMessage("No Job data found for Job Id : " + bobs.id());
  }

  @Test
  void unknown_job_is_not_found_with_the_same_message() {
    JobId id = JobId.parse("696093F8-1129-448F-849C-6E9F40E5B441");

    assertThatThrownBy(() -> query.status(ALICE, id))
        .isInstanceOf(JobNotFoundException.class)
        .hasMessage("No Job data found for Job Id : 696093f8-1129-448f-849c-6e9f40e5b441");
  }

  @Test
  void complete_job_has_a_download_link_that_expires_after_the_ttl() {
    Job done = stored(ALICE, JobStatus.COMPLETE, "jobs/" + "abc" + ".json", null);

    JobStatusQuery.View view = query.status(ALICE, done.id());

    assertThat(view.job()).isEqualTo(done);
    long expires = clock.instant().plus(TTL).getEpochSecond();
    assertThat(view.downloadLink())
        .contains(URI.create("memory://payloads/jobs/abc.json?expires=" + expires));
  }

  @Test
  void jobs_that_are_not_complete_have_no_link() {
    for (JobStatus status : new JobStatus[] {JobStatus.SUBMITTED, JobStatus.PROCESSING}) {
      Job job = stored(ALICE, status, null, null);
      assertThat(query.status(ALICE, job.id()).downloadLink()).as(status.wireName()).isEmpty();
    }
    Job failed = stored(ALICE, JobStatus.FAILED, null, "java.lang.IllegalStateException: boom");
    JobStatusQuery.View view = query.status(ALICE, failed.id());
    assertThat(view.downloadLink()).isEmpty();
    assertThat(view.job().failure()).contains("java.lang.IllegalStateException: boom");
  }

  @Test
  void a_stray_output_key_on_an_unfinished_job_gives_no_link() {
    Job processing = stored(ALICE, JobStatus.PROCESSING, "jobs/early.json", null);

    assertThat(query.status(ALICE, processing.id()).downloadLink()).isEmpty();
  }
}
