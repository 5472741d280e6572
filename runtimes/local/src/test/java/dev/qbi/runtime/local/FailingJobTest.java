package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.adapters.local.sqlite.SqliteDeadLetters;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.runtime.local.testing.FailingJobHandler;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Business logic that throws: retried, then failed with its error, then dead-lettered. */
class FailingJobTest {
  @TempDir Path dataDir;

  @Test
  void a_throwing_handler_fails_the_job_after_three_deliveries_and_dead_letters_it()
      throws Exception {
    try (RunningServer running =
        RunningServer.start(dataDir, b -> b.jobHandler(FailingJobHandler.NAME))) {
      JobApiClient api = running.api(running.newUserToken());
      String jobId = api.submit("{\"will\":\"fail\"}");

      JobStatus status = api.awaitTerminal(jobId, Duration.ofSeconds(20), Duration.ofMillis(10));

      assertThat(status.status()).isEqualTo("failed");
      assertThat(status.attempts()).isEqualTo(3);
      assertThat(status.error())
          .hasValue("java.lang.IllegalStateException: " + FailingJobHandler.MESSAGE);
      assertThat(status.downloadUrl()).isEmpty();
      assertThat(status.otherFields()).doesNotContainKey("jobProcessedPayloadLink");
      assertThat(
              new SqliteDeadLetters(running.server.database()).list(10, Optional.empty()).items())
          .singleElement()
          .satisfies(
              dead -> {
                assertThat(dead.message().jobId().toString()).isEqualTo(jobId);
                assertThat(dead.receiveCount()).isEqualTo(3);
                assertThat(dead.reason()).contains(FailingJobHandler.MESSAGE);
              });
      assertThat(running.server.queue().depth()).isZero();
    }
  }
}
