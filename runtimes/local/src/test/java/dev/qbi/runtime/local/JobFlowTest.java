package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qbi.core.usecase.SubmitJob;
import dev.qbi.runtime.local.testing.ApiClient;
import dev.qbi.runtime.local.testing.RunningServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's walk-through, steps 1-6, against the real local runtime over HTTP. */
class JobFlowTest {
  @TempDir static Path dataDir;
  static RunningServer running;
  static ApiClient api;
  static String token;

  @BeforeAll
  static void start() {
    running = RunningServer.start(dataDir);
    api = running.client;
    token = running.newUserToken();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  void submitted_job_completes_and_its_output_downloads_with_99_weather_records() throws Exception {
    String body = "{\"testMessagePaylaod\":\"paylaod123\"}";
    HttpResponse<String> submitted = api.submit(token, body);

    assertThat(submitted.statusCode()).isEqualTo(200);
    assertThat(submitted.body())
        .startsWith("<?xml")
        .contains("<SendMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">")
        .contains("<MD5OfMessageBody>" + SubmitJob.md5Hex(body.getBytes(StandardCharsets.UTF_8)))
        .contains("<RequestId>");
    String jobId = ApiClient.messageId(submitted.body());
    assertThat(jobId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    JsonNode status = api.awaitTerminal(token, jobId, Duration.ofSeconds(10));
    assertThat(status.path("jobStatus").asText()).isEqualTo("complete");
    assertThat(status.path("jobId").asText()).isEqualTo(jobId);
    assertThat(status.path("jobRequestId").asText()).isEqualTo(jobId);
    String link = status.path("jobProcessedPayload").asText();
    assertThat(status.path("jobProcessedPayloadLink").asText()).isEqualTo(link);
    assertThat(link).startsWith(api.base().toString());

    HttpResponse<byte[]> download = api.download(link);
    assertThat(download.statusCode()).isEqualTo(200);
    JsonNode records = ApiClient.JSON.readTree(download.body()).path("weatherData");
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
  void on_an_idle_server_a_job_completes_within_one_second() {
    api.awaitTerminal(token, api.submitOk(token, "{\"warm\":\"up\"}"), Duration.ofSeconds(10));

    long start = System.nanoTime();
    String jobId = api.submitOk(token, "{\"n\":1}");
    JsonNode status = api.awaitTerminal(token, jobId, Duration.ofSeconds(10));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(status.path("jobStatus").asText()).isEqualTo("complete");
    // workers are woken by the submit; a missed wake-up would wait out the 5 s receive poll
    assertThat(took).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void accept_json_gets_the_send_message_fields_as_json() {
    HttpResponse<String> res =
        api.send(
            HttpRequest.newBuilder(api.base().resolve("/submit-job-request"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[1,2,3]")));

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).contains("json"));
    JsonNode json = ApiClient.parse(res.body());
    assertThat(json.path("MessageId").asText()).hasSize(36);
    assertThat(json.path("MD5OfMessageBody").asText())
        .isEqualTo(SubmitJob.md5Hex("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void jobs_lists_the_callers_jobs_newest_first_with_pagination_and_status_filter() {
    String own = running.newUserToken();
    List<String> ids =
        List.of(
            api.submitOk(own, "{\"i\":1}"),
            api.submitOk(own, "{\"i\":2}"),
            api.submitOk(own, "{\"i\":3}"));
    ids.forEach(id -> api.awaitTerminal(own, id, Duration.ofSeconds(10)));

    JsonNode first = ApiClient.parse(api.get("/jobs?limit=2", own).body());
    assertThat(first.path("jobs").size()).isEqualTo(2);
    String next = first.path("next").asText();
    assertThat(next).isNotEmpty();
    JsonNode second = ApiClient.parse(api.get("/jobs?limit=2&next=" + next, own).body());
    assertThat(second.path("jobs").size()).isEqualTo(1);
    assertThat(second.has("next")).isFalse();

    List<String> listed =
        List.of(
            first.path("jobs").get(0).path("jobId").asText(),
            first.path("jobs").get(1).path("jobId").asText(),
            second.path("jobs").get(0).path("jobId").asText());
    assertThat(listed).containsExactly(ids.get(2), ids.get(1), ids.get(0));

    assertThat(ApiClient.parse(api.get("/jobs?status=complete", own).body()).path("jobs").size())
        .isEqualTo(3);
    assertThat(ApiClient.parse(api.get("/jobs?status=failed", own).body()).path("jobs").size())
        .isZero();
  }

  @Test
  void health_and_metrics_need_no_token() {
    assertThat(api.get("/health", null).statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = api.get("/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("ingest_jobs_submitted_total");
  }
}
