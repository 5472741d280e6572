package dev.qbi.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.usecase.JobStatusQuery;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiContractTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  static final JobId ID = JobId.parse("696093f8-1129-448f-849c-6e9f40e5b441");

  static Job job(JobStatus status, String outputKey, String error) {
    return new Job(
        ID,
        new Owner("sub-1"),
        status,
        T0,
        T0.plusSeconds(1),
        2,
        "md5",
        outputKey,
        error == null ? List.of() : List.of(error),
        3);
  }

  @Test
  void a_complete_job_carries_its_link_under_both_names() {
    URI link = URI.create("http://h/download/jobs/x.json?expires=1&signature=s");
    Map<String, Object> body =
        ApiContract.status(
            new JobStatusQuery.View(
                job(JobStatus.COMPLETE, "jobs/x.json", null), Optional.of(link)));

    assertThat(body)
        .containsEntry("jobStatus", "complete")
        .containsEntry("jobId", ID.toString())
        .containsEntry("jobRequestId", ID.toString())
        .containsEntry("submittedAt", "2026-11-25T10:00:00Z")
        .containsEntry("attempts", 2)
        .containsEntry("jobProcessedPayload", link.toString())
        .containsEntry("jobProcessedPayloadLink", link.toString())
        .doesNotContainKey("error");
  }

  @Test
  void a_failed_job_shows_its_error_and_no_link() {
    Map<String, Object> body =
        ApiContract.status(
            new JobStatusQuery.View(job(JobStatus.FAILED, null, "X: boom"), Optional.empty()));

    assertThat(body).containsEntry("jobStatus", "failed").containsEntry("error", "X: boom");
    assertThat(body).containsEntry("errors", List.of("X: boom"));
    assertThat(body).doesNotContainKeys("jobProcessedPayload", "jobProcessedPayloadLink");
  }

  @Test
  void a_job_completed_after_failed_attempts_keeps_their_errors_but_shows_no_error() {
    Job job =
        new Job(
            ID,
            new Owner("sub-1"),
            JobStatus.COMPLETE,
            T0,
            T0.plusSeconds(9),
            3,
            "md5",
            "jobs/x.json",
            List.of("X: first", "X: second"),
            5);

    Map<String, Object> body = ApiContract.describe(job);

    assertThat(body).doesNotContainKey("error");
    assertThat(body).containsEntry("errors", List.of("X: first", "X: second"));
  }

  @Test
  void a_page_has_next_only_when_there_is_more() {
    Job j = job(JobStatus.SUBMITTED, null, null);
    assertThat(ApiContract.page(new Page<>(List.of(j), Optional.of("c"))))
        .containsEntry("next", "c");
    assertThat(ApiContract.page(new Page<>(List.of(j), Optional.empty())))
        .doesNotContainKey("next");
    assertThat((List<?>) ApiContract.page(new Page<>(List.of(j, j), Optional.empty())).get("jobs"))
        .hasSize(2);
  }

  @Test
  void errors_keep_the_original_not_found_shape_and_hide_server_details() {
    assertThat(ApiContract.errorBody(new JobNotFoundException("No Job data found for Job Id : x")))
        .isEqualTo(Map.of("Error Message", "No Job data found for Job Id : x"));
    assertThat(ApiContract.errorBody(new InvalidRequestException("bad")))
        .isEqualTo(Map.of("message", "bad"));
    assertThat(ApiContract.httpStatus(new StorageException("disk on host h"))).isEqualTo(500);
    assertThat(ApiContract.errorBody(new StorageException("disk on host h")))
        .isEqualTo(Map.of("message", ApiContract.INTERNAL_ERROR));
  }
}
