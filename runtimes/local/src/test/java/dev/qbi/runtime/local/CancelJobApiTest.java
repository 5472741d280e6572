package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.local.sqlite.SqliteDeadLetters;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.client.RawResponse;
import dev.qbi.runtime.local.testing.RecordingJobHandler;
import dev.qbi.runtime.local.testing.RunningServer;
import dev.qbi.runtime.local.worker.WorkerPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /jobs/{jobId}} on the real local runtime: one receiver leasing one message at a
 * time (so a known number of jobs fills the worker pool) and a visibility timeout of two seconds,
 * so a running job hears of its cancel within two thirds of a second.
 */
class CancelJobApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration POLL = Duration.ofMillis(20);
  static final String LONG_JOB = "{\"simulateDurationSeconds\": 60}";

  @TempDir static Path dataDir;
  static RunningServer running;
  static JobApiClient api;

  @BeforeAll
  static void start() {
    running =
        RunningServer.start(
            dataDir,
            b ->
                b.jobHandler(RecordingJobHandler.NAME)
                    .workers(1)
                    .batchSize(1)
                    .visibilityTimeout(Duration.ofSeconds(2)));
    api = running.api(running.newUserToken());
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(POLL);
    }
  }

  static JsonNode json(RawResponse answer) throws Exception {
    return JSON.readTree(answer.body());
  }

  @Test
  void a_running_job_is_asked_to_stop_its_handler_is_interrupted_and_it_ends_cancelled()
      throws Exception {
    String jobId = api.submit(LONG_JOB);
    await("the handler runs", () -> RecordingJobHandler.running(jobId));

    RawResponse answer = api.rawDelete("/jobs/" + jobId);

    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode body = json(answer);
    assertThat(body.path("jobId").asText()).isEqualTo(jobId);
    assertThat(body.path("jobStatus").asText()).isEqualTo("processing");
    assertThat(body.path("cancelRequestedAt").asText()).isNotEmpty();

    JobStatus status = api.awaitTerminal(jobId, Duration.ofSeconds(10), POLL);
    assertThat(status.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(status.attempts()).isEqualTo(1);
    assertThat(status.error()).isEmpty();
    assertThat(RecordingJobHandler.running(jobId)).as("handler still running").isFalse();
    assertThat(RecordingJobHandler.interrupted(jobId)).isEqualTo(1);
    assertThat(RecordingJobHandler.runs(jobId)).isEqualTo(1);
    await("its message is deleted", () -> running.server.queue().depth() == 0);
    assertThat(new SqliteDeadLetters(running.server.database()).list(100, Optional.empty()).items())
        .noneMatch(dead -> dead.message().jobId().toString().equals(jobId));
  }

  @Test
  void a_submitted_job_cancelled_before_a_worker_takes_it_ends_cancelled_and_never_runs()
      throws Exception {
    // fill every slot of the worker pool with long jobs, so the next one waits in the queue
    List<String> blockers = new ArrayList<>();
    for (int i = 0; i < WorkerPool.maxInFlight(1, 1); i++) {
      blockers.add(api.submit(LONG_JOB));
    }
    for (String blocker : blockers) {
      await("blocker " + blocker + " runs", () -> RecordingJobHandler.running(blocker));
    }
    String jobId = api.submit("{\"n\": 1}");
    Thread.sleep(300);
    assertThat(api.status(jobId).status()).isEqualTo(JobStatus.SUBMITTED);

    JobStatus cancelled = api.cancel(jobId);

    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelled.attempts()).isZero();
    // free the workers: every blocker is stopped and cancelled
    for (String blocker : blockers) {
      assertThat(api.cancel(blocker).status()).isEqualTo(JobStatus.PROCESSING);
    }
    for (String blocker : blockers) {
      assertThat(api.awaitTerminal(blocker, Duration.ofSeconds(10), POLL).status())
          .isEqualTo(JobStatus.CANCELLED);
      assertThat(RecordingJobHandler.interrupted(blocker)).isEqualTo(1);
    }
    // the cancelled job's message is delivered now, found terminal and dropped
    await("the queue drains", () -> running.server.queue().depth() == 0);
    assertThat(RecordingJobHandler.runs(jobId)).as("handler runs").isZero();
    JobStatus after = api.status(jobId);
    assertThat(after.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(after.attempts()).isZero();
  }

  @Test
  void another_users_job_and_an_unknown_job_are_404() throws Exception {
    String jobId = api.submit(LONG_JOB);
    JobApiClient mallory = running.api(running.newUserToken());

    RawResponse others = mallory.rawDelete("/jobs/" + jobId);
    RawResponse unknown = api.rawDelete("/jobs/" + UUID.randomUUID());

    assertThat(others.statusCode()).isEqualTo(404);
    assertThat(json(others).path("Error Message").asText())
        .isEqualTo("No Job data found for Job Id : " + jobId);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(api.status(jobId).otherFields()).doesNotContainKey("cancelRequestedAt");
    // its owner can (and, to free the worker, does)
    api.cancel(jobId);
    assertThat(api.awaitTerminal(jobId, Duration.ofSeconds(10), POLL).cancelled()).isTrue();
  }

  @Test
  void a_finished_job_is_409_and_stays_as_it_was() throws Exception {
    String jobId = api.submit("{\"n\": 2}");
    JobStatus complete = api.awaitTerminal(jobId, Duration.ofSeconds(10), POLL);
    assertThat(complete.complete()).isTrue();

    RawResponse answer = api.rawDelete("/jobs/" + jobId);

    assertThat(answer.statusCode()).isEqualTo(409);
    assertThat(json(answer).path("message").asText())
        .isEqualTo("Job " + jobId + " is already complete and cannot be cancelled");
    assertThat(api.status(jobId).status()).isEqualTo(JobStatus.COMPLETE);
  }

  @Test
  void a_bad_id_is_400_and_no_token_is_401() throws Exception {
    assertThat(api.rawDelete("/jobs/not-a-uuid").statusCode()).isEqualTo(400);
    assertThat(api.withoutToken().rawDelete("/jobs/" + UUID.randomUUID()).statusCode())
        .isEqualTo(401);
  }
}
