package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobListQuery;
import dev.qbi.client.JobPage;
import dev.qbi.client.JobStatus;
import dev.qbi.client.RawResponse;
import dev.qbi.core.usecase.SubmitJob;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's walk-through, steps 1-6, against the real local runtime over HTTP. */
class JobFlowTest {
  @TempDir static Path dataDir;
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration POLL = Duration.ofMillis(10);
  static RunningServer running;
  static String token;
  static JobApiClient api;

  @BeforeAll
  static void start() {
    running = RunningServer.start(dataDir);
    token = running.newUserToken();
    api = running.api(token);
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  void submitted_job_completes_and_its_output_downloads_with_99_weather_records() throws Exception {
    String body = "{\"testMessagePaylaod\":\"paylaod123\"}";
    RawResponse submitted =
        api.rawPost(
            JobApiClient.SUBMIT_PATH, "application/json", body.getBytes(StandardCharsets.UTF_8));

    assertThat(submitted.statusCode()).isEqualTo(200);
    assertThat(submitted.bodyText())
        .startsWith("<?xml")
        .contains("<SendMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">")
        .contains("<MD5OfMessageBody>" + SubmitJob.md5Hex(body.getBytes(StandardCharsets.UTF_8)))
        .contains("<RequestId>");
    String jobId = JobApiClient.messageId(submitted.bodyText()).orElseThrow();
    assertThat(jobId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    JobStatus status = api.awaitTerminal(jobId, Duration.ofSeconds(10), POLL);
    assertThat(status.status()).isEqualTo("complete");
    assertThat(status.jobId()).isEqualTo(jobId);
    assertThat(status.otherFields().get("jobRequestId").asText()).isEqualTo(jobId);
    String link = status.downloadUrl().orElseThrow().toString();
    assertThat(status.otherFields().get("jobProcessedPayloadLink").asText()).isEqualTo(link);
    assertThat(link).startsWith(api.baseUri().toString());

    JsonNode records = JSON.readTree(api.download(status.downloadUrl().get())).path("weatherData");
    assertThat(records.size()).isEqualTo(99);
    for (JsonNode r : records) {
      assertThat(r.properties().stream().map(e -> e.getKey()).toList())
          .containsExactlyInAnyOrder(
              "station",
              "geoLocation",
              "localTime",
              "conditions",
              "temperature",
              "pressure",
              "humidity");
    }
  }

  @Test
  void on_an_idle_server_a_job_completes_within_one_second() throws Exception {
    api.awaitTerminal(api.submit("{\"warm\":\"up\"}"), Duration.ofSeconds(10), POLL);

    long start = System.nanoTime();
    String jobId = api.submit("{\"n\":1}");
    JobStatus status = api.awaitTerminal(jobId, Duration.ofSeconds(10), POLL);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(status.status()).isEqualTo("complete");
    // workers are woken by the submit; a missed wake-up would wait out the 5 s receive poll
    assertThat(took).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void accept_json_gets_the_send_message_fields_as_json() throws Exception {
    RawResponse res =
        running.client.rawPost(
            JobApiClient.SUBMIT_PATH,
            Map.of(
                "Authorization", "Bearer " + token,
                "Content-Type", "application/json",
                "Accept", "application/json"),
            "[1,2,3]".getBytes(StandardCharsets.UTF_8));

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
    JsonNode json = JSON.readTree(res.body());
    assertThat(json.path("MessageId").asText()).hasSize(36);
    assertThat(json.path("MD5OfMessageBody").asText())
        .isEqualTo(SubmitJob.md5Hex("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void jobs_lists_the_callers_jobs_newest_first_with_pagination_and_status_filter()
      throws Exception {
    JobApiClient own = running.api(running.newUserToken());
    List<String> ids =
        List.of(own.submit("{\"i\":1}"), own.submit("{\"i\":2}"), own.submit("{\"i\":3}"));
    for (String id : ids) {
      own.awaitTerminal(id, Duration.ofSeconds(10), POLL);
    }

    JobPage first = own.listJobs(JobListQuery.all().withLimit(2));
    assertThat(first.jobs()).hasSize(2);
    assertThat(first.next()).isPresent();
    JobPage second = own.listJobs(JobListQuery.all().withLimit(2).withNext(first.next()));
    assertThat(second.jobs()).hasSize(1);
    assertThat(second.next()).isEmpty();
    assertThat(own.rawGet("/jobs?limit=2&next=" + first.next().get()).bodyText())
        .doesNotContain("\"next\"");

    List<String> listed =
        List.of(
            first.jobs().get(0).jobId(), first.jobs().get(1).jobId(), second.jobs().get(0).jobId());
    assertThat(listed).containsExactly(ids.get(2), ids.get(1), ids.get(0));

    assertThat(own.listJobs(JobListQuery.all().withStatus("complete")).jobs()).hasSize(3);
    assertThat(own.listJobs(JobListQuery.all().withStatus("failed")).jobs()).isEmpty();
  }

  @Test
  void health_and_metrics_need_no_token() throws Exception {
    assertThat(running.client.health().status()).isEqualTo("UP");
    RawResponse metrics = running.client.rawGet("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.bodyText()).contains("ingest_jobs_submitted_total");
  }
}
