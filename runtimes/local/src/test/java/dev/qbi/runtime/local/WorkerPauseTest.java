package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.runtime.local.testing.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest workers pause|resume|status} over {@code /admin/workers}: while paused, submits are
 * accepted and wait in the queue; after resume every one completes. Unsigned calls are refused.
 */
class WorkerPauseTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private RunningServer running;
  private JobApiClient api;

  @BeforeEach
  void start() {
    running = RunningServer.start(dataDir);
    api = running.api(running.newUserToken());
  }

  @AfterEach
  void stop() {
    running.close();
  }

  private AdminCli workers(String... args) {
    return AdminCli.run(running, "workers", args);
  }

  @Test
  void paused_workers_leave_submits_queued_until_resumed() throws Exception {
    AdminCli paused = workers("pause");
    assertThat(paused.exit()).as(paused.err()).isZero();
    assertThat(paused.out()).startsWith("workers paused: 2 receivers");

    // a receiver already waiting when the pause came may still take one batch; after that, none
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(api.submit("{\"n\":" + i + "}"));
    }
    Thread.sleep(300);
    JsonNode state = JSON.readTree(workers("status", "--json").out());
    assertThat(state.path("paused").asBoolean()).isTrue();
    long queuedBefore = state.path("queueDepth").asLong();
    Thread.sleep(700);
    long queuedAfter = JSON.readTree(workers("status", "--json").out()).path("queueDepth").asLong();
    assertThat(queuedAfter).isEqualTo(queuedBefore).isGreaterThanOrEqualTo(10);
    long stillQueued = ids.stream().filter(id -> status(id).equals("submitted")).count();
    assertThat(stillQueued).isEqualTo(queuedAfter);

    AdminCli resumed = workers("resume");
    assertThat(resumed.exit()).isZero();
    assertThat(resumed.out()).startsWith("workers running");
    for (String id : ids) {
      JobStatus done = api.awaitTerminal(id, WAIT, Duration.ofMillis(20));
      assertThat(done.status()).isEqualTo("complete");
    }
  }

  @Test
  void unsigned_requests_are_refused_and_change_nothing() throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(running.server.baseUrl() + "/admin/workers/pause"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(403);
    JsonNode state = JSON.readTree(workers("status", "--json").out());
    assertThat(state.path("paused").asBoolean()).isFalse();
    assertThat(state.path("workers").asInt()).isEqualTo(2);
    // idle receivers waiting for messages hold room for a batch, but nothing is leased
    assertThat(state.path("inFlight").asInt()).isZero();
  }

  private String status(String id) {
    try {
      return api.status(id).status();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
