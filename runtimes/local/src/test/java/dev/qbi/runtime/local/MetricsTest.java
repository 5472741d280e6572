package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.local.sqlite.SqliteDeadLetters;
import dev.qbi.adapters.local.sqlite.SqliteJobQueue;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.MutableClock;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics}: JVM, HTTP, queue, dead-letter and latency-bucket series, and the Grafana
 * dashboard in docs/ charts only series it has.
 */
class MetricsTest {
  @TempDir Path dir;

  @Test
  void metrics_has_jvm_http_queue_dead_letter_and_latency_histogram_series() throws Exception {
    try (RunningServer running =
        RunningServer.start(dir.resolve("data"), b -> b.maxReceiveCount(1))) {
      JobApiClient api = running.api(running.newUserToken());
      String ok = api.submit("{\"n\":1}");
      String bad = api.submit("{\"simulateFailure\":\"boom\"}");
      assertThat(api.awaitTerminal(ok, Duration.ofSeconds(10), Duration.ofMillis(10)).complete())
          .isTrue();
      JobStatus failed = api.awaitTerminal(bad, Duration.ofSeconds(10), Duration.ofMillis(10));
      assertThat(failed.failed()).isTrue();
      assertThat(running.client.rawGet("/no/such/path").statusCode()).isEqualTo(404);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (new SqliteDeadLetters(running.server.database()).depth() < 1
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      // the GC pause timer appears with the first collection the server's GC listener sees
      String metrics = running.client.rawGet("/metrics").bodyText();
      long gcDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!metrics.contains("jvm_gc_pause_seconds_count") && System.nanoTime() < gcDeadline) {
        System.gc();
        Thread.sleep(50);
        metrics = running.client.rawGet("/metrics").bodyText();
      }

      assertThat(metrics)
          // JVM
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_gc_")
          .contains("jvm_threads_live_threads")
          .contains("jvm_classes_loaded_classes")
          .contains("process_cpu_usage")
          .contains("process_uptime_seconds")
          // HTTP, by route template, with buckets
          .containsPattern(
              "http_server_requests_seconds_bucket\\{method=\"POST\",outcome=\"SUCCESS\""
                  + ",status=\"200\",uri=\"/submit-job-request\",le=\"\\+Inf\"\\} 2")
          .containsPattern(
              "http_server_requests_seconds_count\\{method=\"GET\",outcome=\"SUCCESS\""
                  + ",status=\"200\",uri=\"/job-status/\\{jobId}\"\\} \\d+")
          .containsPattern(
              "http_server_requests_seconds_count\\{method=\"GET\",outcome=\"CLIENT_ERROR\""
                  + ",status=\"404\",uri=\"unmatched\"\\} 1")
          .doesNotContain("uri=\"/job-status/" + ok)
          // workers: processing time with buckets, outcomes
          .containsPattern("ingest_jobs_processing_seconds_bucket\\{le=\"30\\.0\"\\} [1-9]")
          .containsPattern("ingest_jobs_processed_total\\{outcome=\"completed\"\\} [1-9]")
          .contains("ingest_jobs_submitted_total 2.0")
          // queue and dead letters
          .containsPattern("ingest_queue_depth \\d")
          .containsPattern("ingest_queue_oldest_age_seconds \\d")
          .contains("ingest_dead_letters 1.0");

      // every series the Grafana dashboard charts is one the server publishes
      JsonNode dashboard =
          new ObjectMapper().readTree(Path.of("../../docs/grafana-dashboard.json").toFile());
      Set<String> charted = new TreeSet<>();
      for (JsonNode panel : dashboard.path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          Matcher m = SERIES.matcher(target.path("expr").asText());
          while (m.find()) {
            charted.add(m.group());
          }
        }
      }
      assertThat(charted)
          .contains(
              "ingest_jobs_submitted_total",
              "ingest_queue_depth",
              "ingest_queue_oldest_age_seconds",
              "ingest_dead_letters",
              "http_server_requests_seconds_bucket",
              "ingest_jobs_processing_seconds_bucket",
              "jvm_memory_used_bytes");
      for (String series : charted) {
        assertThat(metrics).as(series).containsPattern("(?m)^" + series + "[{ ]");
      }
    }
  }

  private static final Pattern SERIES =
      Pattern.compile("\\b(?:ingest|http|jvm|process|system)_[a-z_]+");

  @Test
  void oldest_age_is_now_minus_the_oldest_queued_message_and_zero_when_empty() {
    MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    try (LocalBackend backend = LocalBackend.open(ServerSettings.builder(dir).build(), clock)) {
      SqliteJobQueue queue = backend.queue();
      try (ServerMetrics metrics = new ServerMetrics(backend, clock)) {
        var age = metrics.registry().get("ingest.queue.oldest.age").timeGauge();
        assertThat(age.value(TimeUnit.SECONDS)).isZero();

        queue.send(
            new JobMessage(JobId.random(), new Owner("o"), "{}".getBytes(), clock.instant()));
        clock.advance(Duration.ofMillis(7_500));

        assertThat(age.value(TimeUnit.SECONDS)).isEqualTo(7.5);
        assertThat(metrics.registry().get("ingest.dead.letters").gauge().value()).isZero();
      }
    }
  }
}
