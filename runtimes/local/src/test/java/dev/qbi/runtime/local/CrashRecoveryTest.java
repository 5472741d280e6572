package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.runtime.local.testing.RunningServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
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
    URI base = URI.create("http://127.0.0.1:" + port);
    JobApiClient anonymous = JobApiClient.builder(base).build();

    Process first = startServer(dataDir, port, work.resolve("first.log"));
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    try (anonymous) {
      awaitHealthy(anonymous, first);
      JobApiClient api =
          anonymous.withToken(
              RunningServer.newUser(
                  base,
                  "crash@example.com",
                  ServerSettings.DEFAULT_CLIENT_ID,
                  ServerSettings.DEFAULT_POOL_ID,
                  dataDir));

      AtomicInteger attempts = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        running.add(clients.submit(() -> submitUntilError(api, attempts, accepted)));
      }
      while (accepted.size() < KILL_AFTER) {
        Thread.sleep(1);
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
        awaitHealthy(anonymous, second);
        // the rest of the 1,000 against the restarted server, with the token from before
        while (attempts.get() < TOTAL) {
          attempts.incrementAndGet();
          accepted.add(api.submit("{\"after\":\"restart\"}"));
        }
        ObjectMapper json = new ObjectMapper();
        for (String id : accepted) {
          JobStatus status = api.awaitTerminal(id, Duration.ofSeconds(120), Duration.ofMillis(10));
          assertThat(status.status()).as("job %s", id).isEqualTo("complete");
          byte[] output = api.download(status.downloadUrl().orElseThrow());
          assertThat(json.readTree(output).path("weatherData").size()).isEqualTo(99);
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

  /** Submits until the server stops answering 200 (a refusal or the connection lost). */
  private static Void submitUntilError(
      JobApiClient api, AtomicInteger attempts, Set<String> accepted) throws InterruptedException {
    while (attempts.incrementAndGet() <= TOTAL) {
      try {
        accepted.add(api.submit("{\"before\":\"crash\"}"));
      } catch (IOException refusedOrConnectionLost) {
        return null;
      }
    }
    return null;
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

  private static void awaitHealthy(JobApiClient api, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("server process exited early").isTrue();
      try {
        api.health();
        return;
      } catch (IOException notYet) {
        // not listening yet, or not up yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server did not become healthy");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
