package dev.qbi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.client.StubServer.Answer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The job API client against stub answers: requests it sends, answers it parses, errors. */
class JobApiClientTest {
  static final String ID = "6b1f0c1e-1d0a-4d7b-9d1e-3c1a2b3c4d5e";
  static final String TOKEN = "eyJraWQ.id-token.sig";
  static final String SEND_MESSAGE_RESPONSE =
      "<?xml version=\"1.0\"?><SendMessageResponse"
          + " xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><SendMessageResult>"
          + "<MessageId>"
          + ID
          + "</MessageId><MD5OfMessageBody>abc</MD5OfMessageBody></SendMessageResult>"
          + "</SendMessageResponse>";

  StubServer stub;
  JobApiClient client;

  void serve(java.util.function.Function<StubServer.Request, Answer> answers) throws IOException {
    stub = StubServer.start(answers);
    client = JobApiClient.create(stub.base(), TOKEN);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  static String job(String status, String extra) {
    return "{\"jobStatus\":\""
        + status
        + "\",\"jobId\":\""
        + ID
        + "\",\"jobRequestId\":\""
        + ID
        + "\",\"submittedAt\":\"2025-01-02T03:04:05.123Z\""
        + ",\"updatedAt\":\"2025-01-02T03:04:06Z\",\"attempts\":1"
        + extra
        + "}";
  }

  // --- submit --------------------------------------------------------------------------------

  @Test
  void submit_posts_the_json_with_the_raw_token_under_the_base_path_and_returns_the_message_id()
      throws Exception {
    serve(r -> Answer.text(200, "text/xml", SEND_MESSAGE_RESPONSE));
    client.close();
    // a deployed API's base has a stage path, sometimes with a trailing slash
    client = JobApiClient.create(URI.create(stub.base() + "/Prod/"), TOKEN);

    String jobId = client.submit("{\"a\":1}");

    assertThat(jobId).isEqualTo(ID);
    StubServer.Request sent = stub.only();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.pathAndQuery()).isEqualTo("/Prod/submit-job-request");
    assertThat(sent.header("Authorization")).hasValue(TOKEN);
    assertThat(sent.header("Content-Type")).hasValue("application/json");
    assertThat(sent.bodyText()).isEqualTo("{\"a\":1}");
    assertThat(client.baseUri()).isEqualTo(URI.create(stub.base() + "/Prod"));
  }

  @Test
  void a_refused_submit_is_an_api_exception_with_the_status_and_the_body() throws Exception {
    serve(r -> Answer.json(401, "{\"message\":\"Unauthorized\"}"));

    assertThatThrownBy(() -> client.withoutToken().submit("{}"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(401);
              assertThat(e.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "POST /submit-job-request answered HTTP 401: {\"message\":\"Unauthorized\"}");
            });
    assertThat(stub.only().header("Authorization")).isEmpty();
  }

  @Test
  void a_200_submit_without_a_message_id_is_an_io_error_not_an_api_answer() throws Exception {
    serve(r -> Answer.text(200, "text/xml", "<SendMessageResponse/>"));

    assertThatThrownBy(() -> client.submit("{}"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ApiException.class)
        .hasMessageContaining("without a MessageId");
  }

  @Test
  void the_message_id_parser_reads_the_send_message_response() {
    assertThat(JobApiClient.messageId(SEND_MESSAGE_RESPONSE)).hasValue(ID);
    assertThat(JobApiClient.messageId("<MessageId>\n  " + ID + " </MessageId>")).hasValue(ID);
    assertThat(JobApiClient.messageId("<Error><Message>no</Message></Error>")).isEmpty();
    assertThat(JobApiClient.messageId("<MessageId></MessageId>")).isEmpty();
    assertThat(JobApiClient.messageId("<MessageId>" + ID)).isEmpty();
    assertThat(JobApiClient.messageId("</MessageId><MessageId>x</MessageId>")).hasValue("x");
  }

  // --- status --------------------------------------------------------------------------------

  @Test
  void status_is_typed_and_keeps_the_fields_it_does_not_map() throws Exception {
    String link = "http://127.0.0.1:1/download/out/" + ID + ".json?expires=9&signature=s";
    serve(
        r ->
            Answer.json(
                200,
                job(
                    "complete",
                    ",\"jobProcessedPayload\":\""
                        + link
                        + "\",\"jobProcessedPayloadLink\":\""
                        + link
                        + "\",\"newField\":{\"n\":7}")));

    JobStatus status = client.status(ID);

    assertThat(stub.only().pathAndQuery()).isEqualTo("/job-status/" + ID);
    assertThat(stub.only().header("Authorization")).hasValue(TOKEN);
    assertThat(status.jobId()).isEqualTo(ID);
    assertThat(status.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(status.complete()).isTrue();
    assertThat(status.terminal()).isTrue();
    assertThat(status.submittedAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.123Z"));
    assertThat(status.updatedAt()).isEqualTo(Instant.parse("2025-01-02T03:04:06Z"));
    assertThat(status.attempts()).isEqualTo(1);
    assertThat(status.downloadUrl()).hasValue(URI.create(link));
    assertThat(status.error()).isEmpty();
    assertThat(status.otherFields().keySet())
        .containsExactly("jobRequestId", "jobProcessedPayloadLink", "newField");
    assertThat(status.otherFields().get("jobRequestId").asText()).isEqualTo(ID);
    assertThat(status.otherFields().get("newField").path("n").asInt()).isEqualTo(7);
  }

  @Test
  void a_failed_job_has_its_error_and_no_link() throws Exception {
    serve(r -> Answer.json(200, job("failed", ",\"error\":\"java.lang.Boom: no\"")));

    JobStatus status = client.status(ID);

    assertThat(status.failed()).isTrue();
    assertThat(status.terminal()).isTrue();
    assertThat(status.error()).hasValue("java.lang.Boom: no");
    assertThat(status.downloadUrl()).isEmpty();
  }

  // --- cancel --------------------------------------------------------------------------------

  @Test
  void cancel_sends_a_delete_of_the_job_and_reads_the_job_it_answers() throws Exception {
    serve(r -> Answer.json(200, job("cancelled", "")));

    JobStatus status = client.cancel(ID);

    StubServer.Request sent = stub.only();
    assertThat(sent.method()).isEqualTo("DELETE");
    assertThat(sent.pathAndQuery()).isEqualTo("/jobs/" + ID);
    assertThat(sent.header("Authorization")).hasValue(TOKEN);
    assertThat(status.cancelled()).isTrue();
    assertThat(status.terminal()).isTrue();
  }

  @Test
  void cancelling_a_running_job_answers_it_processing_with_the_request_time() throws Exception {
    serve(
        r ->
            Answer.json(200, job("processing", ",\"cancelRequestedAt\":\"2025-01-02T03:04:07Z\"")));

    JobStatus status = client.cancel(ID);

    assertThat(status.status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(status.terminal()).isFalse();
    assertThat(status.otherFields().get("cancelRequestedAt").asText())
        .isEqualTo("2025-01-02T03:04:07Z");
  }

  @Test
  void cancelling_a_finished_job_is_a_409_api_exception() throws Exception {
    serve(r -> Answer.json(409, "{\"message\":\"Job is already complete\"}"));

    assertThatThrownBy(() -> client.cancel(ID))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(409);
              assertThat(e.getMessage()).startsWith("DELETE /jobs/" + ID + " answered HTTP 409");
            });
  }

  @Test
  void an_unknown_job_is_a_404_api_exception_or_an_empty_find() throws Exception {
    String notFound = "{\"Error Message\":\"No Job data found for Job Id : " + ID + "\"}";
    serve(r -> Answer.json(404, notFound));

    assertThatThrownBy(() -> client.status(ID))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(404);
              assertThat(e.body()).isEqualTo(notFound);
            });
    assertThat(client.findStatus(ID)).isEmpty();
  }

  @Test
  void find_status_still_fails_on_other_errors() throws Exception {
    serve(r -> Answer.json(500, "{\"message\":\"Internal server error\"}"));

    assertThatThrownBy(() -> client.findStatus(ID))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
  }

  @Test
  void a_status_body_that_is_not_a_job_is_an_io_error() throws Exception {
    AtomicInteger call = new AtomicInteger();
    serve(
        r ->
            call.getAndIncrement() == 0
                ? Answer.text(200, "text/html", "<html>gateway</html>")
                : Answer.json(200, "{\"jobId\":\"" + ID + "\",\"jobStatus\":\"complete\"}"));

    assertThatThrownBy(() -> client.status(ID))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ApiException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> client.status(ID))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("without submittedAt");
  }

  @Test
  void await_status_treats_404_as_not_yet_and_returns_the_awaited_status() throws Exception {
    AtomicInteger call = new AtomicInteger();
    serve(
        r ->
            switch (call.getAndIncrement()) {
              case 0 -> Answer.json(404, "{}");
              case 1 -> Answer.json(200, job("processing", ""));
              default -> Answer.json(200, job("complete", ""));
            });

    JobStatus status = client.awaitTerminal(ID, Duration.ofSeconds(10), Duration.ofMillis(1));

    assertThat(status.complete()).isTrue();
    assertThat(stub.requests).hasSize(3);
  }

  @Test
  void await_status_gives_up_after_the_timeout_with_the_last_answer() throws Exception {
    serve(r -> Answer.json(200, job("processing", "")));

    assertThatThrownBy(
            () ->
                client.awaitStatus(
                    ID, JobStatus::complete, Duration.ofMillis(50), Duration.ofMillis(5)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("job " + ID)
        .hasMessageContaining("processing");
    assertThat(stub.requests.size()).isGreaterThan(1);
  }

  // --- GET /jobs -----------------------------------------------------------------------------

  @Test
  void list_jobs_sends_the_filter_limit_and_encoded_cursor_and_returns_the_next_cursor()
      throws Exception {
    serve(
        r ->
            Answer.json(
                200,
                "{\"jobs\":["
                    + job("complete", "")
                    + ","
                    + job("complete", "")
                    + "],\"next\":\"c/2+\"}"));

    JobPage page =
        client.listJobs(
            JobListQuery.all()
                .withStatus("complete")
                .withLimit(2)
                .withNext(java.util.Optional.of("a b/+=")));

    assertThat(stub.only().pathAndQuery())
        .isEqualTo("/jobs?status=complete&limit=2&next=a%20b%2F%2B%3D");
    assertThat(page.jobs()).hasSize(2).allSatisfy(j -> assertThat(j.jobId()).isEqualTo(ID));
    assertThat(page.next()).hasValue("c/2+");
  }

  @Test
  void list_all_jobs_follows_the_cursors_until_the_last_page() throws Exception {
    serve(
        r ->
            r.pathAndQuery().contains("next=")
                ? Answer.json(200, "{\"jobs\":[" + job("failed", "") + "]}")
                : Answer.json(
                    200,
                    "{\"jobs\":["
                        + job("complete", "")
                        + ","
                        + job("submitted", "")
                        + "],\"next\":\"p2\"}"));

    List<JobStatus> jobs = client.listAllJobs(JobListQuery.all().withLimit(100), 5);

    assertThat(jobs)
        .extracting(JobStatus::status)
        .containsExactly("complete", "submitted", "failed");
    assertThat(stub.requests)
        .extracting(StubServer.Request::pathAndQuery)
        .containsExactly("/jobs?limit=100", "/jobs?limit=100&next=p2");
    assertThatThrownBy(() -> client.listAllJobs(JobListQuery.all(), 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("more than 1 pages");
  }

  @Test
  void list_jobs_without_a_jobs_array_is_an_io_error() throws Exception {
    serve(r -> Answer.json(200, "{\"items\":[]}"));

    assertThatThrownBy(() -> client.listJobs(JobListQuery.all()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no jobs array");
  }

  // --- download, health, raw -----------------------------------------------------------------

  @Test
  void download_is_a_plain_get_without_token_and_a_refusal_keeps_the_signature_out_of_the_message()
      throws Exception {
    serve(
        r ->
            r.pathAndQuery().contains("signature=good")
                ? Answer.json(200, "{\"weatherData\":[]}")
                : Answer.json(403, "{\"message\":\"Forbidden: link expired\"}"));

    byte[] bytes = client.download(URI.create(stub.base() + "/download/k.json?signature=good"));

    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"weatherData\":[]}");
    assertThat(stub.only().header("Authorization")).isEmpty();
    assertThatThrownBy(
            () -> client.download(URI.create(stub.base() + "/download/k.json?signature=bad")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(403);
              assertThat(e.body()).contains("link expired");
              assertThat(e.getMessage()).doesNotContain("signature");
            });
  }

  @Test
  void health_reads_the_queue_depth_and_a_server_that_is_down_is_an_api_exception()
      throws Exception {
    AtomicInteger call = new AtomicInteger();
    serve(
        r ->
            call.getAndIncrement() == 0
                ? Answer.json(200, "{\"status\":\"UP\",\"queueDepth\":3}")
                : Answer.json(503, "{\"status\":\"DOWN\",\"queueDepth\":0}"));

    JobApiClient.Health health = client.health();

    assertThat(health.status()).isEqualTo("UP");
    assertThat(health.queueDepth()).hasValue(3);
    assertThat(stub.only().pathAndQuery()).isEqualTo("/health");
    assertThat(stub.only().header("Authorization")).isEmpty();
    assertThatThrownBy(client::health)
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
  }

  @Test
  void raw_calls_return_any_answer_with_its_headers_and_send_the_given_headers() throws Exception {
    serve(
        r ->
            new Answer(
                415,
                Map.of("Content-Type", "application/json", "X-Request-Id", "r1"),
                "{\"message\":\"Content-Type must be application/json\"}"
                    .getBytes(StandardCharsets.UTF_8)));

    RawResponse get = client.rawGet("/jobs?limit=1");
    RawResponse post =
        client.rawPost(
            "/submit-job-request",
            Map.of("Content-Type", "text/csv", "Authorization", "Bearer other", "Accept", "*/*"),
            "a,b".getBytes(StandardCharsets.UTF_8));

    assertThat(get.statusCode()).isEqualTo(415);
    assertThat(get.successful()).isFalse();
    assertThat(get.header("content-type")).hasValue("application/json");
    assertThat(get.header("X-REQUEST-ID")).hasValue("r1");
    assertThat(get.bodyText()).contains("Content-Type must be");
    assertThat(post.statusCode()).isEqualTo(415);
    StubServer.Request sent = stub.requests.get(1);
    assertThat(sent.header("Authorization")).hasValue("Bearer other");
    assertThat(sent.header("Content-Type")).hasValue("text/csv");
    assertThat(sent.header("Accept")).hasValue("*/*");
    assertThat(sent.bodyText()).isEqualTo("a,b");
    assertThat(stub.requests.getFirst().header("Authorization")).hasValue(TOKEN);
  }

  @Test
  void with_token_sends_the_other_token_over_the_same_client() throws Exception {
    serve(r -> Answer.json(200, "{\"jobs\":[]}"));

    JobApiClient other = client.withToken("other-token");
    other.listJobs(JobListQuery.all());
    other.close(); // a copy: the original keeps working
    client.listJobs(JobListQuery.all());

    assertThat(stub.requests)
        .extracting(r -> r.header("Authorization").orElse(""))
        .containsExactly("other-token", TOKEN);
  }

  @Test
  void the_base_must_be_an_http_url_and_paths_start_with_a_slash() throws Exception {
    assertThatThrownBy(() -> JobApiClient.builder(URI.create("ftp://example.com")))
        .isInstanceOf(IllegalArgumentException.class);
    serve(r -> Answer.json(200, "{}"));
    assertThatThrownBy(() -> client.rawGet("jobs")).isInstanceOf(IllegalArgumentException.class);
  }
}
