package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.client.RawResponse;
import dev.qbi.core.api.ApiContract;
import dev.qbi.core.testing.SmallFilesystem;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over a full disk: no 200 for a job it did not store, 503 with {@code Retry-After} and
 * the JSON error body while full, {@code /health/ready} failing while {@code /health/live} holds,
 * reads still answered; once space is back it recovers without a restart and every job it
 * acknowledged completes. On a real tmpfs data dir when the test may mount one (outputs and both
 * databases fill up), else through the database's simulated full disk.
 */
class DiskFullTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path work;

  /** How the disk becomes full and free again. */
  private interface Fault {
    void fill() throws Exception;

    void free() throws Exception;
  }

  @Test
  void on_a_full_tmpfs_data_dir() throws Exception {
    SmallFilesystem.Attempt attempt = SmallFilesystem.mount(work.resolve("data"), 16);
    assumeTrue(attempt.mounted() != null, () -> "no tmpfs for this test: " + attempt.whyNot());
    try (SmallFilesystem fs = attempt.mounted();
        RunningServer running = start(fs.dir())) {
      exercise(
          running,
          new Fault() {
            @Override
            public void fill() throws Exception {
              fs.fill();
            }

            @Override
            public void free() throws Exception {
              fs.free();
            }
          });
    }
  }

  @Test
  void with_a_simulated_full_disk() throws Exception {
    try (RunningServer running = start(work.resolve("data"))) {
      exercise(
          running,
          new Fault() {
            @Override
            public void fill() {
              running.server.database().simulateFullDisk(true);
            }

            @Override
            public void free() {
              running.server.database().simulateFullDisk(false);
            }
          });
    }
  }

  private static RunningServer start(Path dataDir) {
    // a lease lost to a failed write comes back quickly
    return RunningServer.start(dataDir, b -> b.visibilityTimeout(Duration.ofSeconds(2)));
  }

  private static void exercise(RunningServer running, Fault fault) throws Exception {
    JobApiClient api = running.api(running.newUserToken());
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      acknowledged.add(api.submit("{\"before\":" + i + "}"));
    }

    fault.fill();
    // a write may still fit in space the database file already holds: 200 means stored
    RawResponse refused = null;
    for (int i = 0; i < 5_000 && refused == null; i++) {
      RawResponse res = submit(api, "{\"while\":\"filling\"}");
      if (res.statusCode() == 200) {
        acknowledged.add(JobApiClient.messageId(res.bodyText()).orElseThrow());
      } else {
        refused = res;
      }
    }
    assertThat(refused).as("a submit refused once the disk is full").isNotNull();
    for (int i = 0; i < 5; i++) {
      RawResponse res = i == 0 ? refused : submit(api, "{\"while\":\"full\"}");
      assertThat(res.statusCode()).as(res.bodyText()).isEqualTo(503);
      assertThat(res.header("Retry-After"))
          .contains(String.valueOf(ApiContract.RETRY_AFTER_SECONDS));
      assertThat(res.header("Content-Type")).hasValueSatisfying(t -> t.contains("json"));
      assertThat(JSON.readTree(res.body()).path("message").asText())
          .isEqualTo(ApiContract.UNAVAILABLE);
    }
    RawResponse ready = api.rawGet("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode readyBody = JSON.readTree(ready.body());
    assertThat(readyBody.path("status").asText()).isEqualTo("DOWN");
    assertThat(readyBody.path("storage").path("writable").asBoolean(true)).isFalse();
    assertThat(readyBody.path("storage").path("problem").asText()).startsWith("SQLITE_");
    assertThat(api.rawGet("/health").statusCode()).isEqualTo(503);
    assertThat(api.rawGet("/health/live").statusCode()).isEqualTo(200);
    // reads keep working
    assertThat(api.status(acknowledged.get(0)).jobId()).isEqualTo(acknowledged.get(0));
    assertThat(api.rawGet("/jobs?limit=5").statusCode()).isEqualTo(200);

    fault.free();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (api.rawGet("/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(api.rawGet("/health/ready").statusCode())
        .as("ready again, no restart")
        .isEqualTo(200);
    assertThat(api.health().status()).isEqualTo("UP");
    for (int i = 0; i < 10; i++) {
      acknowledged.add(api.submit("{\"after\":" + i + "}"));
    }
    for (String id : acknowledged) {
      JobStatus status = api.awaitTerminal(id, Duration.ofSeconds(60), POLL);
      assertThat(status.status()).as("job %s", id).isEqualTo("complete");
      assertThat(api.download(status.downloadUrl().orElseThrow())).isNotEmpty();
    }
  }

  private static RawResponse submit(JobApiClient api, String body) throws Exception {
    return api.rawPost(
        JobApiClient.SUBMIT_PATH, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }
}
