package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.core.usecase.ManageDeadLetters;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-letter round trip with the default simulator's own trigger: {@code
 * simulateFailureAttempts: 3} fails every attempt of the first series (3 deliveries), the job is
 * {@code failed} and dead-lettered; a redrive starts a new series whose first attempt is the
 * fourth, which succeeds; the job's history shows all four.
 */
class RedriveSimulatorTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dataDir;
  private RunningServer running;

  @BeforeEach
  void start() {
    running = RunningServer.start(dataDir, b -> b.retryBaseDelay(Duration.ofMillis(10)));
  }

  @AfterEach
  void stop() {
    running.close();
  }

  @Test
  void failed_after_three_attempts_then_redriven_it_completes_on_the_fourth() throws Exception {
    JobApiClient api = running.api(running.newUserToken());
    String id = api.submit("{\"simulateFailureAttempts\": 3}");

    JobStatus failed = api.awaitTerminal(id, WAIT, POLL);
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(running.server.deadLetters().depth()).isEqualTo(1);

    new ManageDeadLetters(
            new dev.qbi.adapters.local.sqlite.SqliteJobTable(running.server.database()),
            running.server.deadLetters(),
            java.time.Clock.systemUTC())
        .redrive(dev.qbi.core.job.JobId.parse(id));

    JobStatus done = api.awaitTerminal(id, WAIT, POLL);
    assertThat(done.status()).isEqualTo("complete");
    assertThat(done.attempts()).as("attempts counted across the redrive").isEqualTo(4);
    assertThat(done.otherFields().get("errors")).as("the three failed attempts").hasSize(3);
    assertThat(done.otherFields()).containsKey("redrivenAt");
    assertThat(running.server.deadLetters().depth()).isZero();
  }
}
