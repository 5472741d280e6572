package dev.qbi.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobListQuery;
import dev.qbi.client.JobStatus;
import dev.qbi.client.RawResponse;
import dev.qbi.e2e.E2eTarget.TestUser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The end-to-end scenarios, written once against an {@link E2eTarget} and driven through the typed
 * client users embed ({@link JobApiClient}): the seed's four integration tests plus ownership, bad
 * input, {@code GET /jobs} and failing business logic. Subclasses say which target: the
 * environment's (local runtime by default, a deployed stack with {@code STACK_NAME}) or the
 * recorded deployed mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JobApiScenarios {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SEED_PAYLOAD = "{\"testMessagePayload\":\"payload123\"}";
  static final String BODY_VALIDATION_IS_LOCAL_ONLY =
      "API Gateway's direct SQS integration does not validate request bodies: on AWS this input is"
          + " accepted or rejected by SQS, not answered like the local runtime";
  private static final int MAX_PAGES = 50;

  E2eTarget target;

  /** The target's API without a token; {@link #as} gives a user's. */
  JobApiClient api;

  TestUser alice;
  TestUser bob;

  /** The target to run against; closed after the class. */
  abstract E2eTarget openTarget() throws Exception;

  @BeforeAll
  void openTargetAndUsers() throws Exception {
    target = openTarget();
    api = JobApiClient.builder(target.baseUrl()).build();
    alice = target.createUser("alice");
    bob = target.createUser("bob");
  }

  @AfterAll
  void deleteUsersAndCloseTarget() {
    if (api != null) {
      api.close();
    }
    if (target != null) {
      target.close();
    }
  }

  // --- the seed's four ---------------------------------------------------------------------

  @Test
  void submit_without_a_token_is_401() throws Exception {
    RawResponse response = submit(api, "application/json", SEED_PAYLOAD);

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void submit_with_a_token_is_200_with_a_send_message_response() throws Exception {
    RawResponse response = submit(as(alice), "application/json", SEED_PAYLOAD);

    assertThat(response.statusCode()).isEqualTo(200);
    String body = response.bodyText();
    assertThat(body).contains("<SendMessageResponse").contains("<MD5OfMessageBody>");
    String jobId = JobApiClient.messageId(body).orElseThrow();
    assertThat(jobId).matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
    assertThat(body).contains("<MD5OfMessageBody>" + md5Hex(SEED_PAYLOAD) + "</MD5OfMessageBody>");
  }

  @Test
  void submitted_job_completes_and_its_link_downloads_99_weather_records_of_7_fields()
      throws Exception {
    JobApiClient client = as(alice);
    String jobId = client.submit(SEED_PAYLOAD);

    JobStatus status = await(client, jobId, target.jobTimeout(), JobStatus::complete);

    assertThat(status.jobId()).isEqualTo(jobId);
    assertThat(status.otherFields().get("jobRequestId").asText()).isEqualTo(jobId);
    URI link = status.downloadUrl().orElseThrow();
    assertThat(status.otherFields().get("jobProcessedPayloadLink").asText())
        .isEqualTo(link.toString());
    JsonNode records = JSON.readTree(client.download(link)).path("weatherData");
    assertThat(records.isArray()).isTrue();
    assertThat(records).hasSize(99);
    for (JsonNode record : records) {
      assertThat(record.isObject()).isTrue();
      assertThat(record.properties()).hasSize(7);
    }
  }

  @Test
  void status_of_an_unknown_job_is_404_with_the_original_error_message() throws Exception {
    String unknown = UUID.randomUUID().toString();

    RawResponse response = as(alice).rawGet("/job-status/" + unknown);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(response.body())).isEqualTo(notFound(unknown));
  }

  // --- ownership -----------------------------------------------------------------------------

  @Test
  void another_users_job_is_404_like_an_unknown_one_and_not_in_their_list() throws Exception {
    String jobId = submitAndAwaitVisible(alice);

    RawResponse asBob = as(bob).rawGet("/job-status/" + jobId);

    assertThat(asBob.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(asBob.body())).isEqualTo(notFound(jobId));
    assertThat(ids(allJobs(bob))).doesNotContain(jobId);
  }

  // --- bad input -----------------------------------------------------------------------------

  @Test
  void garbage_token_is_401() throws Exception {
    RawResponse submit =
        submit(api.withToken("not.a-real.token"), "application/json", SEED_PAYLOAD);
    RawResponse status = api.withToken("Bearer garbage").rawGet("/job-status/" + UUID.randomUUID());

    assertThat(submit.statusCode()).isEqualTo(401);
    assertThat(status.statusCode()).isEqualTo(401);
  }

  @Test
  void job_id_that_is_not_a_uuid_is_400() throws Exception {
    RawResponse response = as(alice).rawGet("/job-status/not-a-uuid");

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void empty_body_is_400() throws Exception {
    assumeFalse(target.aws(), BODY_VALIDATION_IS_LOCAL_ONLY);

    RawResponse response = submit(as(alice), "application/json", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(message(response)).isNotEmpty();
  }

  @Test
  void body_that_is_not_json_is_400() throws Exception {
    assumeFalse(target.aws(), BODY_VALIDATION_IS_LOCAL_ONLY);

    RawResponse response = submit(as(alice), "application/json", "{\"unterminated\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(message(response)).isNotEmpty();
  }

  @Test
  void body_over_256_kib_is_413() throws Exception {
    assumeFalse(target.aws(), BODY_VALIDATION_IS_LOCAL_ONLY);
    String padding = "x".repeat(256 * 1024);

    RawResponse response = submit(as(alice), "application/json", "{\"pad\":\"" + padding + "\"}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(message(response)).isNotEmpty();
  }

  @Test
  void non_json_content_type_is_415() throws Exception {
    assumeFalse(target.aws(), BODY_VALIDATION_IS_LOCAL_ONLY);

    RawResponse response = submit(as(alice), "text/plain", SEED_PAYLOAD);

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(message(response)).isNotEmpty();
  }

  // --- GET /jobs -----------------------------------------------------------------------------

  @Test
  void list_of_jobs_holds_the_callers_jobs_newest_first() throws Exception {
    TestUser carol = target.createUser("carol");
    String first = submitAndAwaitVisible(carol);
    String second = submitAndAwaitVisible(carol);
    String third = submitAndAwaitVisible(carol);

    List<JobStatus> jobs =
        awaitJobs(carol, list -> ids(list).containsAll(List.of(first, second, third)));

    assertThat(ids(jobs)).containsExactlyInAnyOrder(first, second, third);
    List<Instant> submitted = jobs.stream().map(JobStatus::submittedAt).toList();
    for (int i = 1; i < submitted.size(); i++) {
      assertThat(submitted.get(i)).as("newest first").isBeforeOrEqualTo(submitted.get(i - 1));
    }
    assertThat(ids(jobs).indexOf(third)).isLessThan(ids(jobs).indexOf(first));
    assertThat(ids(allJobs(alice))).doesNotContain(first, second, third);
    target.deleteUser(carol.username());
  }

  // --- failing business logic ------------------------------------------------------------------

  @Test
  void job_whose_business_logic_fails_ends_failed_with_the_error_in_its_status() throws Exception {
    JobApiClient client = as(alice);
    String jobId = client.submit("{\"simulateFailure\":\"e2e failure\"}");

    JobStatus status = await(client, jobId, target.failureTimeout(), JobStatus::failed);

    assertThat(status.error()).hasValueSatisfying(e -> assertThat(e).contains("e2e failure"));
    // neither jobProcessedPayload nor jobProcessedPayloadLink
    assertThat(status.downloadUrl()).isEmpty();
  }

  // --- helpers -------------------------------------------------------------------------------

  /** The target's API as {@code user}. */
  JobApiClient as(TestUser user) {
    return api.withToken(user.idToken());
  }

  private static RawResponse submit(JobApiClient client, String contentType, String body)
      throws IOException, InterruptedException {
    return client.rawPost(
        JobApiClient.SUBMIT_PATH, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Polls the job's status until {@code done} holds (a 404 counts as "not yet": on AWS the row
   * appears when the processor picks the job up).
   */
  private JobStatus await(
      JobApiClient client, String jobId, Duration timeout, Predicate<JobStatus> done)
      throws Exception {
    return client.awaitStatus(jobId, done, timeout, target.pollInterval());
  }

  private String submitAndAwaitVisible(TestUser user) throws Exception {
    JobApiClient client = as(user);
    String jobId = client.submit(SEED_PAYLOAD);
    await(client, jobId, target.jobTimeout(), s -> true);
    return jobId;
  }

  /** Every job of {@code user}, following {@code next} cursors (bounded). */
  private List<JobStatus> allJobs(TestUser user) throws Exception {
    return as(user).listAllJobs(JobListQuery.all().withLimit(100), MAX_PAGES);
  }

  /** Polls {@code GET /jobs} until {@code done} holds for the user's jobs (bounded). */
  private List<JobStatus> awaitJobs(TestUser user, Predicate<List<JobStatus>> done)
      throws Exception {
    Instant deadline = Instant.now().plus(target.jobTimeout());
    while (true) {
      List<JobStatus> jobs = allJobs(user);
      if (done.test(jobs)) {
        return jobs;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("GET /jobs did not reach the expected state; last: " + jobs);
      }
      Thread.sleep(target.pollInterval());
    }
  }

  private static List<String> ids(List<JobStatus> jobs) {
    return jobs.stream().map(JobStatus::jobId).toList();
  }

  private static String message(RawResponse response) throws IOException {
    return JSON.readTree(response.body()).path("message").asText();
  }

  private static JsonNode notFound(String jobId) {
    return JSON.createObjectNode().put("Error Message", "No Job data found for Job Id : " + jobId);
  }

  private static String md5Hex(String body) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
  }
}
