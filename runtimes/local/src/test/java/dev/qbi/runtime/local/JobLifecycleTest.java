package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qbi.adapters.local.sqlite.SqliteDeadLetters;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.runtime.local.testing.RecordingJobHandler;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long jobs, the job timeout, permanent failures and retried ones, on the real local runtime with a
 * visibility timeout of two seconds (so the lease keeper's heartbeat is two thirds of a second).
 */
class JobLifecycleTest {
  static final Duration POLL = Duration.ofMillis(20);
  static final Duration VISIBILITY = Duration.ofSeconds(2);

  @TempDir Path dataDir;

  private static RunningServer start(Path dataDir, Duration jobTimeout, int maxReceiveCount) {
    return RunningServer.start(
        dataDir,
        b ->
            b.jobHandler(RecordingJobHandler.NAME)
                .visibilityTimeout(VISIBILITY)
                .jobTimeout(jobTimeout)
                .maxReceiveCount(maxReceiveCount));
  }

  private static List<String> errors(JobStatus status) {
    List<String> errors = new ArrayList<>();
    JsonNode list = status.otherFields().get("errors");
    if (list != null) {
      list.forEach(e -> errors.add(e.asText()));
    }
    return errors;
  }

  @Test
  void a_job_of_three_visibility_timeouts_runs_its_handler_once_with_one_attempt()
      throws Exception {
    try (RunningServer running = start(dataDir, Duration.ofMinutes(1), 3)) {
      JobApiClient api = running.api(running.newUserToken());
      String jobId = api.submit("{\"simulateDurationSeconds\": 6}");

      JobStatus status = api.awaitTerminal(jobId, Duration.ofSeconds(30), POLL);

      assertThat(status.status()).isEqualTo(JobStatus.COMPLETE);
      assertThat(status.attempts()).isEqualTo(1);
      assertThat(errors(status)).isEmpty();
      assertThat(RecordingJobHandler.runs(jobId)).as("handler runs").isEqualTo(1);
      assertThat(Duration.between(status.submittedAt(), status.updatedAt()))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(6));
      assertThat(running.server.queue().depth()).isZero();
    }
  }

  @Test
  void a_handler_running_past_the_job_timeout_is_interrupted_and_the_attempt_fails()
      throws Exception {
    try (RunningServer running = start(dataDir, Duration.ofMillis(500), 2)) {
      JobApiClient api = running.api(running.newUserToken());
      long start = System.nanoTime();
      String jobId = api.submit("{\"simulateDurationSeconds\": 60}");

      JobStatus status = api.awaitTerminal(jobId, Duration.ofSeconds(20), POLL);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      String timeout = "dev.qbi.core.usecase.JobTimeoutException: job ran longer than PT0.5S";
      assertThat(status.status()).isEqualTo(JobStatus.FAILED);
      assertThat(status.attempts()).isEqualTo(2);
      assertThat(status.error()).hasValue(timeout);
      assertThat(errors(status)).containsExactly(timeout, timeout);
      assertThat(RecordingJobHandler.runs(jobId)).isEqualTo(2);
      assertThat(RecordingJobHandler.interrupted(jobId)).as("both runs stopped").isEqualTo(2);
      assertThat(took).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void a_permanent_failure_fails_the_job_on_its_first_attempt() throws Exception {
    try (RunningServer running = start(dataDir, Duration.ofMinutes(1), 3)) {
      JobApiClient api = running.api(running.newUserToken());
      String jobId = api.submit("{\"simulateDurationSeconds\": -1}");

      JobStatus status = api.awaitTerminal(jobId, Duration.ofSeconds(10), POLL);

      assertThat(status.status()).isEqualTo(JobStatus.FAILED);
      assertThat(status.attempts()).isEqualTo(1);
      assertThat(status.error())
          .hasValueSatisfying(
              e ->
                  assertThat(e)
                      .startsWith(
                          "dev.qbi.core.port.PermanentJobFailure: simulateDurationSeconds must be"));
      assertThat(errors(status)).hasSize(1);
      assertThat(RecordingJobHandler.runs(jobId)).isEqualTo(1);
      assertThat(
              new SqliteDeadLetters(running.server.database()).list(10, Optional.empty()).items())
          .singleElement()
          .satisfies(
              dead -> {
                assertThat(dead.message().jobId().toString()).isEqualTo(jobId);
                assertThat(dead.receiveCount()).isEqualTo(1);
              });
    }
  }

  @Test
  void simulate_failure_attempts_two_completes_on_the_third_attempt_with_two_errors()
      throws Exception {
    try (RunningServer running = start(dataDir, Duration.ofMinutes(1), 3)) {
      JobApiClient api = running.api(running.newUserToken());
      String jobId = api.submit("{\"simulateFailureAttempts\": 2}");

      JobStatus status = api.awaitTerminal(jobId, Duration.ofSeconds(10), POLL);

      assertThat(status.status()).isEqualTo(JobStatus.COMPLETE);
      assertThat(status.attempts()).isEqualTo(3);
      assertThat(errors(status))
          .containsExactly(
              "java.lang.IllegalStateException: simulated failure of attempt 1"
                  + " (simulateFailureAttempts: 2)",
              "java.lang.IllegalStateException: simulated failure of attempt 2"
                  + " (simulateFailureAttempts: 2)");
      assertThat(status.error()).as("no error shown once complete").isEmpty();
      assertThat(status.downloadUrl()).isPresent();
      assertThat(RecordingJobHandler.runs(jobId)).isEqualTo(3);
    }
  }
}
