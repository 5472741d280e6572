package dev.qbi.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.error.StorageUnavailableException;
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
        3,
        null,
        null,
        0);
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
            5,
            null,
            null,
            0);

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

  @Test
  void storage_that_cannot_take_writes_is_a_503_that_hides_the_cause() {
    StorageUnavailableException full =
        new StorageUnavailableException("database commit failed: [SQLITE_FULL] /srv/data");
    assertThat(ApiContract.httpStatus(full)).isEqualTo(503);
    assertThat(ApiContract.errorBody(full)).isEqualTo(Map.of("message", ApiContract.UNAVAILABLE));
    assertThat(ApiContract.RETRY_AFTER_SECONDS).isPositive();
  }

  @Test
  void the_token_is_the_raw_header_or_follows_a_bearer_prefix_in_any_case() {
    assertThat(ApiContract.bearerToken("a.b.c")).contains("a.b.c");
    assertThat(ApiContract.bearerToken("Bearer a.b.c")).contains("a.b.c");
    assertThat(ApiContract.bearerToken("bEaReR a.b.c")).contains("a.b.c");
    assertThat(ApiContract.bearerToken("  Bearer   a.b.c \t")).contains("a.b.c");
    assertThat(ApiContract.bearerToken("\u2003a.b.c\u2003")).contains("a.b.c");
  }

  @Test
  void only_bearer_and_a_space_before_more_text_is_a_prefix() {
    // the header is stripped first: a bare prefix is left as the token, for the verifier to refuse
    assertThat(ApiContract.bearerToken("Bearer")).contains("Bearer");
    assertThat(ApiContract.bearerToken("Bearer ")).contains("Bearer");
    assertThat(ApiContract.bearerToken("bearer \t ")).contains("bearer");
    assertThat(ApiContract.bearerToken("Bearera.b.c")).contains("Bearera.b.c");
    assertThat(ApiContract.bearerToken("Bearer\ta.b.c")).contains("Bearer\ta.b.c");
    assertThat(ApiContract.bearerToken("Basic dXNlcjpwdw==")).contains("Basic dXNlcjpwdw==");
    assertThat(ApiContract.bearerToken("Bearer Bearer a.b.c")).contains("Bearer a.b.c");
  }

  @Test
  void a_missing_or_blank_header_or_a_bare_prefix_has_no_token() {
    assertThat(ApiContract.bearerToken(null)).isEmpty();
    assertThat(ApiContract.bearerToken("")).isEmpty();
    assertThat(ApiContract.bearerToken(" \t ")).isEmpty();
  }

  @Test
  void the_limit_is_a_decimal_integer_whose_range_the_use_case_checks() {
    assertThat(ApiContract.parseLimit("25")).isEqualTo(25);
    assertThat(ApiContract.parseLimit("007")).isEqualTo(7);
    assertThat(ApiContract.parseLimit("0")).isZero();
    assertThat(ApiContract.parseLimit("-1")).isEqualTo(-1);
    assertThat(ApiContract.parseLimit("100000")).isEqualTo(100000);
  }

  @Test
  void a_limit_that_is_not_a_number_is_a_bad_request() {
    for (String text : new String[] {"ten", "", " 5", "5 ", "1.5", "0x10", "99999999999", null}) {
      assertThatThrownBy(() -> ApiContract.parseLimit(text))
          .as(String.valueOf(text))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage("limit must be a number");
    }
  }
}
