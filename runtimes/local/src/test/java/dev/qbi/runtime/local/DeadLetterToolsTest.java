package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.runtime.local.testing.OutageJobHandler;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-letter tools end to end: a real server, jobs whose handler fails on every attempt, and
 * {@code ingest dead-letters ...} run through the CLI's entry point against the admin routes.
 */
class DeadLetterToolsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(20);
  private static final String BODY = "{\"city\":\"Oslo\"}";

  @TempDir Path dataDir;
  private RunningServer running;
  private JobApiClient api;

  @BeforeEach
  void start() {
    OutageJobHandler.OUTAGE.set(true);
    running = RunningServer.start(dataDir, b -> b.jobHandler(OutageJobHandler.NAME));
    api = running.api(running.newUserToken());
  }

  @AfterEach
  void stop() {
    OutageJobHandler.OUTAGE.set(true);
    running.close();
  }

  /** {@code ingest dead-letters <args>} against the running server, output captured. */
  private AdminCli deadLetters(String... args) {
    return AdminCli.run(running, "dead-letters", args);
  }

  private String failedJob() throws Exception {
    String id = api.submit(BODY);
    JobStatus status = api.awaitTerminal(id, WAIT, POLL);
    assertThat(status.status()).isEqualTo("failed");
    assertThat(status.attempts()).isEqualTo(3);
    return id;
  }

  private JsonNode health() throws Exception {
    return JSON.readTree(running.client.rawGet("/health").body());
  }

  @Test
  void a_job_that_failed_on_every_attempt_is_redriven_and_completes_with_its_history()
      throws Exception {
    String id = failedJob();

    AdminCli list = deadLetters("list");
    assertThat(list.exit()).isZero();
    assertThat(list.out()).contains(id).contains("1 dead letter(s) in all");
    JsonNode listed = deadLetters("list", "--json").json();
    assertThat(listed.path("depth").asLong()).isEqualTo(1);
    assertThat(listed.path("deadLetters").get(0).path("jobId").asText()).isEqualTo(id);
    assertThat(listed.path("deadLetters").get(0).path("receiveCount").asInt()).isEqualTo(3);
    assertThat(listed.path("deadLetters").get(0).path("reason").asText())
        .contains(OutageJobHandler.MESSAGE);

    AdminCli show = deadLetters("show", id, "--json");
    assertThat(show.exit()).isZero();
    JsonNode shown = show.json();
    assertThat(shown.path("bodyBytes").asInt()).isEqualTo(BODY.length());
    assertThat(shown.path("job").path("jobStatus").asText()).isEqualTo("failed");
    assertThat(shown.path("job").path("errors")).hasSize(3);
    assertThat(deadLetters("show", id).out())
        .contains("receives   3")
        .contains("status     failed (attempts 3)")
        .contains("3. java.lang.IllegalStateException: " + OutageJobHandler.MESSAGE);
    assertThat(health().path("deadLetterDepth").asLong()).isEqualTo(1);
    assertThat(running.client.rawGet("/metrics").bodyText()).contains("ingest_dead_letters 1.0");

    OutageJobHandler.OUTAGE.set(false);
    AdminCli redrive = deadLetters("redrive", id);

    assertThat(redrive.exit()).as(redrive.err()).isZero();
    assertThat(redrive.out()).contains("Redrove job " + id).contains("3 earlier error(s) kept");
    JobStatus done = api.awaitTerminal(id, WAIT, POLL);
    assertThat(done.status()).isEqualTo("complete");
    assertThat(done.downloadUrl()).isPresent();
    assertThat(done.otherFields()).containsKey("redrivenAt");
    assertThat(done.otherFields().get("errors"))
        .as("every earlier attempt's error is kept")
        .hasSize(3)
        .allMatch(e -> e.asText().contains(OutageJobHandler.MESSAGE));
    assertThat(health().path("deadLetterDepth").asLong()).isZero();
    AdminCli again = deadLetters("redrive", id);
    assertThat(again.exit()).isEqualTo(3);
    assertThat(again.err()).contains("HTTP 404").contains("No dead letter for job " + id);
  }

  @Test
  void purge_removes_a_dead_letter_for_good_and_redrive_all_takes_the_rest_back() throws Exception {
    String purged = failedJob();
    String kept = failedJob();

    AdminCli purge = deadLetters("purge", purged);

    assertThat(purge.exit()).as(purge.err()).isZero();
    assertThat(purge.out()).contains("Purged the dead letter of job " + purged);
    assertThat(deadLetters("show", purged).exit()).isEqualTo(3);
    assertThat(deadLetters("redrive", purged).exit()).isEqualTo(3);
    assertThat(deadLetters("purge", purged).exit()).isEqualTo(3);
    assertThat(api.status(purged).status()).isEqualTo("failed");
    assertThat(running.server.queue().depth()).isZero();

    OutageJobHandler.OUTAGE.set(false);
    AdminCli all = deadLetters("redrive", "--all", "--json");
    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(all.json().path("redriven").asInt()).isEqualTo(1);
    assertThat(api.awaitTerminal(kept, WAIT, POLL).status()).isEqualTo("complete");
    assertThat(api.status(purged).status()).as("a purged job is not run again").isEqualTo("failed");
    AdminCli purgeAll = deadLetters("purge", "--all");
    assertThat(purgeAll.out()).contains("Purged 0 dead letter(s)");
  }

  @Test
  void usage_mistakes_are_one_line_errors_with_exit_code_2() {
    AdminCli neither = deadLetters("redrive");
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("Give either a JOB_ID or --all");

    AdminCli notAnId = deadLetters("show", "../../etc");
    assertThat(notAnId.exit()).isEqualTo(2);

    AdminCli missing =
        deadLetters("list", "--admin-credentials", dataDir.resolve("nope").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("no admin credentials file at");
  }
}
