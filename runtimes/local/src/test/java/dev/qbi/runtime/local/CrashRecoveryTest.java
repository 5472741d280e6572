package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qbi.runtime.local.testing.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is killed with SIGKILL while 1,000 jobs are being submitted and processed;
 * restarted on the same data dir, every job that had been answered 200 reaches {@code complete}
 * with a valid output, and a token issued before the crash still works.
 */
class CrashRecoveryTest {
  static final int TOTAL = 1_000;
  static final int KILL_AFTER = 300;

  @TempDir Path work;

  @Test
  void every_acknowledged_job_completes_after_a_kill_9_and_restart() throws Exception {
    Path dataDir = work.resolve("data");
    int port = freePort();
    ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + port));

    Process first = startServer(dataDir, port, work.resolve("first.log"));
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    String token;
    try {
      awaitHealthy(api, first);
      token =
          api.newUser(
              "crash@example.com",
              ServerSettings.DEFAULT_CLIENT_ID,
              ServerSettings.DEFAULT_POOL_ID);

      AtomicInteger attempts = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        running.add(clients.submit(() -> submitUntilError(api, token, attempts, accepted)));
      }
      while (accepted.size() < KILL_AFTER) {
        ApiClient.pause(Duration.ofMillis(1));
      }
      first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
      first.waitFor();
      for (Future<?> f : running) {
        f.get();
      }
      clients.shutdown();
      assertThat(accepted.size()).isGreaterThanOrEqualTo(KILL_AFTER);

      Process second = startServer(dataDir, port, work.resolve("second.log"));
      try {
        awaitHealthy(api, second);
        // the rest of the 1,000 against the restarted server, with the token from before
        while (attempts.get() < TOTAL) {
          attempts.incrementAndGet();
          accepted.add(api.submitOk(token, "{\"after\":\"restart\"}"));
        }
        for (String id : accepted) {
          JsonNode status = api.awaitTerminal(token, id, Duration.ofSeconds(120));
          assertThat(status.path("jobStatus").asText()).as("job %s", id).isEqualTo("complete");
          HttpResponse<byte[]> output = api.download(status.path("jobProcessedPayload").asText());
          assertThat(output.statusCode()).isEqualTo(200);
          assertThat(ApiClient.JSON.readTree(output.body()).path("weatherData").size())
              .isEqualTo(99);
        }
        // SIGTERM: a graceful stop, logged as such
        second.destroy();
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(work.resolve("second.log")))
            .contains("shutting down")
            .contains("workers stopped")
            .contains("stopped");
      } finally {
        second.destroyForcibly();
        second.waitFor();
      }
    } finally {
      first.destroyForcibly();
    }
  }

  private static void submitUntilError(
      ApiClient api, String token, AtomicInteger attempts, Set<String> accepted) {
    while (attempts.incrementAndGet() <= TOTAL) {
      try {
        HttpResponse<String> res = api.submit(token, "{\"before\":\"crash\"}");
        if (res.statusCode() != 200) {
          return;
        }
        accepted.add(ApiClient.messageId(res.body()));
      } catch (RuntimeException connectionLost) {
        return;
      }
    }
  }

  private static Process startServer(Path dataDir, int port, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--port",
            String.valueOf(port),
            "--data-dir",
            dataDir.toString(),
            "--workers",
            "2",
            // leases held by the killed process come back after this
            "--visibility-timeout",
            "PT5S")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static void awaitHealthy(ApiClient api, Process process) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("server process exited early").isTrue();
      try {
        if (api.get("/health", null).statusCode() == 200) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      ApiClient.pause(Duration.ofMillis(50));
    }
    throw new AssertionError("server did not become healthy");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
