package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.ApiException;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobListQuery;
import dev.qbi.client.JobStatus;
import dev.qbi.runtime.local.ServerSettings.Role;
import dev.qbi.runtime.local.testing.AwsEmulatorStack;
import dev.qbi.runtime.local.testing.OutageJobHandler;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code serve --backend aws} in this JVM on the emulators (ElasticMQ, dynalite, S3Mock), with a
 * local-backend server as the token issuer (the Cognito stand-in): the same HTTP API as the local
 * backend, outputs behind S3 pre-signed links, dead letters on the SQS dead-letter queue, and
 * API-only and worker-only instances that complete jobs together.
 */
class AwsBackendServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir static Path dir;
  static RunningServer issuer;

  AwsEmulatorStack stack;
  final List<RunningServer> servers = new ArrayList<>();

  @BeforeAll
  static void startIssuer() {
    issuer = RunningServer.start(dir.resolve("issuer"));
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @BeforeEach
  void freshStack() {
    stack = AwsEmulatorStack.create();
  }

  @AfterEach
  void stopServers() {
    servers.reversed().forEach(RunningServer::close);
    stack.close();
    OutageJobHandler.OUTAGE.set(true);
  }

  RunningServer aws(String name, UnaryOperator<ServerSettings.Builder> tweak) {
    RunningServer s =
        RunningServer.start(
            dir.resolve(name + System.nanoTime()),
            b ->
                tweak.apply(
                    b.externalIssuer(Optional.of(issuer.server.issuer()))
                        .aws(Optional.of(stack.settings()))));
    servers.add(s);
    return s;
  }

  @Test
  void jobs_complete_with_s3_links_and_each_user_sees_only_their_own() throws Exception {
    RunningServer server = aws("both", b -> b);
    JobApiClient alice = server.api(issuer.newUserToken());
    JobApiClient bob = server.api(issuer.newUserToken());

    String id = alice.submit("{\"city\":\"Oslo\"}");
    // the row is put at intake: the status answers at once
    assertThat(alice.status(id).status()).isIn("submitted", "processing", "complete");
    JobStatus done = alice.awaitTerminal(id, WAIT, POLL);
    assertThat(done.status()).isEqualTo("complete");
    assertThat(done.downloadUrl().orElseThrow().getPath()).contains(id);
    JsonNode output = JSON.readTree(alice.download(done.downloadUrl().orElseThrow()));
    assertThat(output.path("weatherData").size()).isEqualTo(99);

    assertThat(alice.listJobs(JobListQuery.all()).jobs())
        .extracting(JobStatus::jobId)
        .containsExactly(id);
    assertThatThrownBy(() -> bob.status(id))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThat(bob.listJobs(JobListQuery.all()).jobs()).isEmpty();
    assertThatThrownBy(() -> alice.cancel(id))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(409));

    JsonNode health = JSON.readTree(server.client.rawGet("/health").body());
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.path("deadLetterDepth").asLong()).isZero();
    String metrics = server.client.rawGet("/metrics").bodyText();
    assertThat(metrics)
        .contains("ingest_jobs_handler_runs_total 1.0")
        .contains("ingest_queue_depth");
    // the local identity provider is off: no user pool here
    assertThat(
            server
                .client
                .rawGet("/" + ServerSettings.DEFAULT_POOL_ID + "/.well-known/jwks.json")
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void an_api_instance_and_a_workers_instance_complete_jobs_together() throws Exception {
    RunningServer api = aws("api", b -> b.role(Role.API));
    JobApiClient alice = api.api(issuer.newUserToken());
    String first = alice.submit("{\"n\":1}");
    String cancelled = alice.submit("{\"n\":2}");
    // no workers: the jobs wait, and one can be cancelled before it starts
    assertThat(alice.cancel(cancelled).status()).isEqualTo("cancelled");
    assertThat(alice.status(first).status()).isEqualTo("submitted");

    RunningServer workers = aws("workers", b -> b.role(Role.WORKERS));
    // the workers instance has no job API: only health and metrics
    assertThat(workers.client.withToken("x").rawGet("/jobs").statusCode()).isEqualTo(404);
    assertThat(workers.client.rawGet("/health/ready").statusCode()).isEqualTo(200);

    assertThat(alice.awaitTerminal(first, WAIT, POLL).status()).isEqualTo("complete");
    String later = alice.submit("{\"n\":3}");
    assertThat(alice.awaitTerminal(later, WAIT, POLL).status()).isEqualTo("complete");
    assertThat(alice.status(cancelled).status()).isEqualTo("cancelled");
    assertThat(workers.client.rawGet("/metrics").bodyText())
        .contains("ingest_jobs_handler_runs_total 2.0");
  }

  @Test
  void dead_letters_are_listed_redriven_and_purged_through_the_sqs_dead_letter_queue()
      throws Exception {
    OutageJobHandler.OUTAGE.set(true);
    RunningServer server = aws("dlq", b -> b.jobHandler(OutageJobHandler.NAME).maxReceiveCount(2));
    JobApiClient alice = server.api(issuer.newUserToken());
    String redriven = alice.submit("{\"fix\":\"me\"}");
    String purged = alice.submit("{\"drop\":\"me\"}");
    for (String id : List.of(redriven, purged)) {
      JobStatus failed = alice.awaitTerminal(id, WAIT, POLL);
      assertThat(failed.status()).isEqualTo("failed");
      assertThat(failed.attempts()).isEqualTo(2);
    }

    JsonNode listed = JSON.readTree(deadLetters(server, "list", "--json"));
    assertThat(listed.path("depth").asLong()).isEqualTo(2);
    assertThat(listed.path("deadLetters").findValuesAsText("jobId"))
        .containsExactlyInAnyOrder(redriven, purged);
    assertThat(listed.path("deadLetters").get(0).path("reason").asText())
        .contains(OutageJobHandler.MESSAGE);
    assertThat(listed.path("deadLetters").get(0).path("receiveCount").asInt()).isEqualTo(2);

    OutageJobHandler.OUTAGE.set(false);
    deadLetters(server, "redrive", redriven);
    JobStatus again = alice.awaitTerminal(redriven, WAIT, POLL);
    assertThat(again.status()).isEqualTo("complete");
    deadLetters(server, "purge", purged);
    assertThat(JSON.readTree(deadLetters(server, "list", "--json")).path("deadLetters")).isEmpty();
    assertThat(alice.status(purged).status()).isEqualTo("failed");
  }

  @Test
  void dead_letters_that_sqs_moves_back_run_again_as_a_new_series_of_attempts() throws Exception {
    OutageJobHandler.OUTAGE.set(true);
    RunningServer server = aws("move", b -> b.jobHandler(OutageJobHandler.NAME).maxReceiveCount(2));
    JobApiClient alice = server.api(issuer.newUserToken());
    String id = alice.submit("{\"moved\":\"back\"}");
    assertThat(alice.awaitTerminal(id, WAIT, POLL).status()).isEqualTo("failed");

    OutageJobHandler.OUTAGE.set(false);
    // what SQS's StartMessageMoveTask does: the dead letter back to the job queue, as it is
    List<Message> dead = List.of();
    for (int i = 0; i < 10 && dead.isEmpty(); i++) {
      dead =
          stack
              .clients
              .sqs()
              .receiveMessage(
                  b ->
                      b.queueUrl(stack.deadLetterQueueUrl)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All"))
              .messages();
    }
    assertThat(dead).hasSize(1);
    Message m = dead.getFirst();
    stack
        .clients
        .sqs()
        .sendMessage(
            b ->
                b.queueUrl(stack.queueUrl)
                    .messageBody(m.body())
                    .messageAttributes(m.messageAttributes()));
    stack
        .clients
        .sqs()
        .deleteMessage(b -> b.queueUrl(stack.deadLetterQueueUrl).receiptHandle(m.receiptHandle()));

    // it is still failed until a worker receives the moved message: wait for complete
    JobStatus done = alice.awaitStatus(id, JobStatus::complete, WAIT, POLL);
    assertThat(done.status()).isEqualTo("complete");
    // attempts go on counting across the redrive: two failed, then the third ran
    assertThat(done.attempts()).isEqualTo(3);
  }

  /** {@code ingest dead-letters <args>} against {@code server}; fails unless it exits 0. */
  private static String deadLetters(RunningServer server, String... args) {
    AdminCli cli = AdminCli.run(server, "dead-letters", args);
    assertThat(cli.exit()).as(cli.err()).isZero();
    return cli.out();
  }
}
