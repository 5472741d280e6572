package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qbi.runtime.local.testing.FailingJobHandler;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Business logic that throws: retried, then failed with its error, then dead-lettered. */
class FailingJobTest {
  @TempDir Path dataDir;

  @Test
  void a_throwing_handler_fails_the_job_after_three_deliveries_and_dead_letters_it() {
    try (RunningServer running =
        RunningServer.start(dataDir, b -> b.jobHandler(FailingJobHandler.NAME))) {
      String token = running.newUserToken();
      String jobId = running.client.submitOk(token, "{\"will\":\"fail\"}");

      JsonNode status = running.client.awaitTerminal(token, jobId, Duration.ofSeconds(20));

      assertThat(status.path("jobStatus").asText()).isEqualTo("failed");
      assertThat(status.path("attempts").asInt()).isEqualTo(3);
      assertThat(status.path("error").asText())
          .isEqualTo("java.lang.IllegalStateException: " + FailingJobHandler.MESSAGE);
      assertThat(status.has("jobProcessedPayload")).isFalse();
      assertThat(running.server.queue().deadLetters(10))
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
