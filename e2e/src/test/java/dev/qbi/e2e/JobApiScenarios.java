package dev.qbi.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qbi.e2e.E2eTarget.TestUser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The end-to-end scenarios, written once against an {@link E2eTarget}: the seed's four integration
 * tests plus ownership, bad input, {@code GET /jobs} and failing business logic. Subclasses say
 * which target: the environment's (local runtime by default, a deployed stack with {@code
 * STACK_NAME}) or the recorded deployed mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JobApiScenarios {

  static final String SEED_PAYLOAD = "{\"testMessagePayload\":\"payload123\"}";
  static final String BODY_VALIDATION_IS_LOCAL_ONLY =
      "API Gateway's direct SQS integration does not validate request bodies: on AWS this input is"
          + " accepted or rejected by SQS, not answered like the local runtime";

  E2eTarget target;
  JobApi api;
  TestUser alice;
  TestUser bob;

  /** The target to run against; closed after the class. */
  abstract E2eTarget openTarget() throws Exception;

  @BeforeAll
  void openTargetAndUsers() throws Exception {
    target = openTarget();
    api = new JobApi(target);
    alice = target.createUser("alice");
    bob = target.createUser("bob");
  }

  @AfterAll
  void deleteUsersAndCloseTarget() {
    if (target != null) {
      target.close();
    }
  }

  // --- the seed's four ---------------------------------------------------------------------

  @Test
  void submit_without_a_token_is_401() {
    HttpResponse<String> response =
        api.submit(
            Optional.empty(), "application/json", SEED_PAYLOAD.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void submit_with_a_token_is_200_with_a_send_message_response() throws Exception {
    HttpResponse<String> response = api.submit(alice.idToken(), SEED_PAYLOAD);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("<SendMessageResponse").contains("<MD5OfMessageBody>");
    String jobId = JobApi.messageId(response.body());
    assertThat(jobId).matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
    assertThat(response.body())
        .contains("<MD5OfMessageBody>" + md5Hex(SEED_PAYLOAD) + "</MD5OfMessageBody>");
  }

  @Test
  void submitted_job_completes_and_its_link_downloads_99_weather_records_of_7_fields() {
    String jobId = api.submitJob(alice.idToken(), SEED_PAYLOAD);

    JsonNode status =
        api.awaitStatus(
            alice.idToken(),
            jobId,
            target.jobTimeout(),
            s -> s.path("jobStatus").asText().equals("complete"),
            "complete");

    assertThat(status.path("jobId").asText()).isEqualTo(jobId);
    assertThat(status.path("jobRequestId").asText()).isEqualTo(jobId);
    String link = status.path("jobProcessedPayload").asText();
    assertThat(link).isNotEmpty().isEqualTo(status.path("jobProcessedPayloadLink").asText());
    HttpResponse<byte[]> download = api.download(URI.create(link));
    assertThat(download.statusCode()).isEqualTo(200);
    JsonNode records = JobApi.json(download.body()).path("weatherData");
    assertThat(records.isArray()).isTrue();
    assertThat(records).hasSize(99);
    for (JsonNode record : records) {
      assertThat(record.isObject()).isTrue();
      assertThat(record.properties()).hasSize(7);
    }
  }

  @Test
  void status_of_an_unknown_job_is_404_with_the_original_error_message() {
    String unknown = UUID.randomUUID().toString();

    HttpResponse<String> response = api.status(alice.idToken(), unknown);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(JobApi.json(response.body())).isEqualTo(notFound(unknown));
  }

  // --- ownership -----------------------------------------------------------------------------

  @Test
  void another_users_job_is_404_like_an_unknown_one_and_not_in_their_list() {
    String jobId = api.submitJob(alice.idToken(), SEED_PAYLOAD);
    api.awaitStatus(alice.idToken(), jobId, target.jobTimeout(), s -> true, "visible to its owner");

    HttpResponse<String> asBob = api.status(bob.idToken(), jobId);

    assertThat(asBob.statusCode()).isEqualTo(404);
    assertThat(JobApi.json(asBob.body())).isEqualTo(notFound(jobId));
    assertThat(api.allJobs(bob.idToken()))
        .extracting(job -> job.path("jobId").asText())
        .doesNotContain(jobId);
  }

  // --- bad input -----------------------------------------------------------------------------

  @Test
  void garbage_token_is_401() {
    HttpResponse<String> submit =
        api.submit(
            Optional.of("not.a-real.token"),
            "application/json",
            SEED_PAYLOAD.getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> status =
        api.get("/job-status/" + UUID.randomUUID(), Optional.of("Bearer garbage"));

    assertThat(submit.statusCode()).isEqualTo(401);
    assertThat(status.statusCode()).isEqualTo(401);
  }

  @Test
  void job_id_that_is_not_a_uuid_is_400() {
    HttpResponse<String> response = api.status(alice.idToken(), "not-a-uuid");

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void empty_body_is_400() {
    assumeFalse(target.aws(), BODY_VALIDATION_IS_LOCAL_ONLY);

    HttpResponse<String> response =
        api.submit(Optional.of(alice.idToken()), "application/json", new byte[0]);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JobApi.json(response.body()).path("message").asText()).isNotEmpty();
  }

  @Test
  void body_that_is_not_json_is_400() {
    assumeFalse(target.aws(), BODY_VALIDATION_IS_LOCAL_ONLY);

    HttpResponse<String> response = api.submit(alice.idToken(), "{\"unterminated\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JobApi.json(response.body()).path("message").asText()).isNotEmpty();
  }

  @Test
  void body_over_256_kib_is_413() {
    assumeFalse(target.aws(), BODY_VALIDATION_IS_LOCAL_ONLY);
    String padding = "x".repeat(256 * 1024);

    HttpResponse<String> response = api.submit(alice.idToken(), "{\"pad\":\"" + padding + "\"}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(JobApi.json(response.body()).path("message").asText()).isNotEmpty();
  }

  @Test
  void non_json_content_type_is_415() {
    assumeFalse(target.aws(), BODY_VALIDATION_IS_LOCAL_ONLY);

    HttpResponse<String> response =
        api.submit(
            Optional.of(alice.idToken()),
            "text/plain",
            SEED_PAYLOAD.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(JobApi.json(response.body()).path("message").asText()).isNotEmpty();
  }

  // --- GET /jobs -----------------------------------------------------------------------------

  @Test
  void list_of_jobs_holds_the_callers_jobs_newest_first() {
    TestUser carol = target.createUser("carol");
    String first = submitAndAwaitVisible(carol);
    String second = submitAndAwaitVisible(carol);
    String third = submitAndAwaitVisible(carol);

    List<JsonNode> jobs =
        api.awaitJobs(
            carol.idToken(),
            target.jobTimeout(),
            list -> ids(list).containsAll(List.of(first, second, third)));

    assertThat(ids(jobs)).containsExactlyInAnyOrder(first, second, third);
    List<Instant> submitted =
        jobs.stream().map(job -> Instant.parse(job.path("submittedAt").asText())).toList();
    for (int i = 1; i < submitted.size(); i++) {
      assertThat(submitted.get(i)).as("newest first").isBeforeOrEqualTo(submitted.get(i - 1));
    }
    assertThat(ids(jobs).indexOf(third)).isLessThan(ids(jobs).indexOf(first));
    assertThat(api.allJobs(alice.idToken()))
        .extracting(job -> job.path("jobId").asText())
        .doesNotContain(first, second, third);
    target.deleteUser(carol.username());
  }

  // --- failing business logic ------------------------------------------------------------------

  @Test
  void job_whose_business_logic_fails_ends_failed_with_the_error_in_its_status() {
    String jobId = api.submitJob(alice.idToken(), "{\"simulateFailure\":\"e2e failure\"}");

    JsonNode status =
        api.awaitStatus(
            alice.idToken(),
            jobId,
            target.failureTimeout(),
            s -> s.path("jobStatus").asText().equals("failed"),
            "failed");

    assertThat(status.path("error").asText()).contains("e2e failure");
    assertThat(status.has("jobProcessedPayload")).isFalse();
    assertThat(status.has("jobProcessedPayloadLink")).isFalse();
  }

  // --- helpers -------------------------------------------------------------------------------

  private String submitAndAwaitVisible(TestUser user) {
    String jobId = api.submitJob(user.idToken(), SEED_PAYLOAD);
    api.awaitStatus(user.idToken(), jobId, target.jobTimeout(), s -> true, "visible");
    return jobId;
  }

  private static List<String> ids(List<JsonNode> jobs) {
    return jobs.stream().map(job -> job.path("jobId").asText()).toList();
  }

  private static JsonNode notFound(String jobId) {
    return JobApi.JSON
        .createObjectNode()
        .put("Error Message", "No Job data found for Job Id : " + jobId);
  }

  private static String md5Hex(String body) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
  }
}
