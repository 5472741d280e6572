package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.JobStatus;
import dev.qbi.runtime.local.cli.ExitCode;
import dev.qbi.runtime.local.testing.Cli;
import dev.qbi.runtime.local.testing.Cli.Result;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job commands of the CLI end to end, through the entry point, against a real server: submit,
 * wait, download with the id piped from one to the next, status, jobs, login's saved token.
 */
class CliJobFlowTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  @TempDir static Path dataDir;
  @TempDir Path work;
  static RunningServer running;
  static String endpoint;
  static String token;

  @BeforeAll
  static void start() {
    running = RunningServer.start(dataDir);
    endpoint = running.server.baseUrl().toString();
    token = running.newUserToken();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  /** {@code args} plus the endpoint and the token. */
  static String[] as(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoint", endpoint, "--token", token));
    return all.toArray(String[]::new);
  }

  @Test
  void submit_piped_into_wait_piped_into_download_gets_the_output() throws Exception {
    Path request = work.resolve("req.json");
    Files.writeString(request, "{\"testMessagePayload\":\"payload123\"}");

    Result submitted = Cli.run(as("submit", request.toString()));
    assertThat(submitted.code()).as(submitted.toString()).isEqualTo(ExitCode.OK);
    assertThat(submitted.out()).matches(UUID_PATTERN + "\n");
    String id = submitted.out().strip();

    Result waited = Cli.pipe(submitted.out(), as("wait", "--interval", "20ms", "--timeout", "20s"));
    assertThat(waited.code()).as(waited.toString()).isEqualTo(ExitCode.OK);
    assertThat(waited.out()).isEqualTo(id + "\n");
    assertThat(waited.err()).contains("job " + id + ": complete");

    Path output = work.resolve("out.json");
    Result downloaded = Cli.pipe(waited.out(), as("download", "-o", output.toString()));
    assertThat(downloaded.code()).as(downloaded.toString()).isEqualTo(ExitCode.OK);
    assertThat(downloaded.err()).contains("wrote ").contains(output.toString());
    assertThat(JSON.readTree(output.toFile()).path("weatherData").size()).isEqualTo(99);

    Result toStdout = Cli.run(as("download", id, "-o", "-"));
    assertThat(toStdout.code()).isEqualTo(ExitCode.OK);
    assertThat(toStdout.outBytes()).isEqualTo(Files.readAllBytes(output));
  }

  @Test
  void submit_reads_the_body_from_stdin_and_status_shows_lines_or_json() throws Exception {
    Result submitted = Cli.pipe("{\"n\":1}", as("submit"));
    assertThat(submitted.code()).as(submitted.toString()).isEqualTo(ExitCode.OK);
    String id = submitted.out().strip();
    running.api(token).awaitTerminal(id, Duration.ofSeconds(10), Duration.ofMillis(10));

    Result lines = Cli.run(as("status", id));
    assertThat(lines.code()).isEqualTo(ExitCode.OK);
    assertThat(lines.out())
        .contains("job id            " + id)
        .contains("status            complete")
        .contains("attempts          1")
        .containsPattern("download +" + endpoint + "/download/");

    Result json = Cli.run(as("status", id, "--json"));
    JsonNode status = JSON.readTree(json.out());
    assertThat(status.path("jobStatus").asText()).isEqualTo("complete");
    assertThat(status.path("jobId").asText()).isEqualTo(id);
    assertThat(status.path("jobRequestId").asText()).isEqualTo(id);
    assertThat(status.path("jobProcessedPayload").asText()).startsWith(endpoint + "/download/");
  }

  @Test
  void wait_on_a_failing_job_exits_1_with_its_error() {
    Result submitted = Cli.pipe("{\"simulateFailure\":\"no weather today\"}", as("submit"));
    String id = submitted.out().strip();

    Result waited = Cli.run(as("wait", id, "--interval", "20ms", "--timeout", "30s"));

    assertThat(waited.code()).as(waited.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(waited.out()).isEmpty();
    assertThat(waited.err())
        .contains("ingest wait: job " + id + " failed: ")
        .contains("no weather today");
    Result download = Cli.run(as("download", id));
    assertThat(download.code()).isEqualTo(ExitCode.FAILED);
    assertThat(download.err()).contains("job " + id + " failed, it has no output");
  }

  @Test
  void jobs_lists_a_table_filters_by_status_and_pages_with_all() throws Exception {
    String own = running.newUserToken();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(running.api(own).submit("{\"i\":" + i + "}"));
    }
    for (String id : ids) {
      running.api(own).awaitTerminal(id, Duration.ofSeconds(10), Duration.ofMillis(10));
    }
    String[] auth = {"--endpoint", endpoint, "--token", own};

    Result table = Cli.run(concat(new String[] {"jobs"}, auth));
    assertThat(table.code()).isEqualTo(ExitCode.OK);
    List<String> rows = table.out().lines().toList();
    assertThat(rows.getFirst()).startsWith("JOB ID").contains("STATUS", "SUBMITTED", "ATTEMPTS");
    assertThat(rows.subList(1, rows.size()))
        .extracting(r -> r.substring(0, 36))
        .containsExactly(ids.get(2), ids.get(1), ids.get(0));

    Result onePage = Cli.run(concat(new String[] {"jobs", "--limit", "1"}, auth));
    assertThat(onePage.out().lines()).hasSize(2);
    assertThat(onePage.err()).contains("--all");

    Result all = Cli.run(concat(new String[] {"jobs", "--limit", "1", "--all", "--json"}, auth));
    JsonNode jobs = JSON.readTree(all.out()).path("jobs");
    assertThat(jobs.size()).isEqualTo(3);
    assertThat(jobs.get(0).path("jobId").asText()).isEqualTo(ids.get(2));

    Result failed = Cli.run(concat(new String[] {"jobs", "--status", "failed"}, auth));
    assertThat(failed.code()).isEqualTo(ExitCode.OK);
    assertThat(failed.out()).isEmpty();
    assertThat(failed.err()).contains("no jobs");
  }

  @Test
  void login_saves_an_owner_only_token_that_the_job_commands_use() throws Exception {
    String user = "cli-" + System.nanoTime() + "@example.com";
    Path tokenFile = work.resolve("config/ingest/token");
    Result signup =
        Cli.run(
            "signup",
            "--endpoint",
            endpoint,
            "--data-dir",
            running.server.settings().dataDir().toString(),
            "--username",
            user,
            "--password",
            RunningServer.PASSWORD);
    assertThat(signup.code()).as(signup.toString()).isZero();

    Result login =
        Cli.run(
            "login",
            "--endpoint",
            endpoint,
            "--username",
            user,
            "--password",
            RunningServer.PASSWORD,
            "--token-file",
            tokenFile.toString());

    assertThat(login.code()).as(login.toString()).isZero();
    assertThat(login.err()).contains("token saved to " + tokenFile);
    String saved = Files.readString(tokenFile).strip();
    assertThat(login.out().strip()).isEqualTo(saved);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile.getParent())))
        .isEqualTo("rwx------");

    Result submitted =
        Cli.pipe(
            "{\"a\":1}", "submit", "--endpoint", endpoint, "--token-file", tokenFile.toString());
    assertThat(submitted.code()).as(submitted.toString()).isZero();
    JobStatus status =
        running
            .api(saved)
            .awaitTerminal(submitted.out().strip(), Duration.ofSeconds(10), Duration.ofMillis(10));
    assertThat(status.complete()).isTrue();

    Result noToken =
        Cli.run(
            "status",
            status.jobId(),
            "--endpoint",
            endpoint,
            "--token-file",
            work.resolve("none").toString());
    assertThat(noToken.code()).isEqualTo(ExitCode.USAGE);
    assertThat(noToken.err()).contains("no token: log in with 'ingest login");
  }

  @Test
  void another_users_job_is_not_found_for_status_wait_and_download() {
    String id = Cli.pipe("{\"mine\":true}", as("submit")).out().strip();
    String[] other = {"--endpoint", endpoint, "--token", running.newUserToken()};

    for (String command : new String[] {"status", "download"}) {
      Result r = Cli.run(concat(new String[] {command, id}, other));
      assertThat(r.code()).isEqualTo(ExitCode.FAILED);
      assertThat(r.err().strip())
          .isEqualTo(
              "ingest " + command + ": job " + id + " not found (unknown, or another user's)");
    }
    Result waited = Cli.run(concat(new String[] {"wait", id, "--appear-within", "0s"}, other));
    assertThat(waited.code()).isEqualTo(ExitCode.FAILED);
    assertThat(waited.err()).contains("not found");
  }

  @Test
  void a_refused_token_says_to_log_in_again() {
    Result r = Cli.run("jobs", "--endpoint", endpoint, "--token", "not-a-token");
    assertThat(r.code()).isEqualTo(ExitCode.FAILED);
    assertThat(r.err()).contains("refused the token (HTTP 401").contains("ingest login");
  }

  @Test
  void cancel_of_a_finished_job_is_refused_and_of_an_unknown_job_not_found() throws Exception {
    String id = Cli.pipe("{\"n\":2}", as("submit")).out().strip();
    running.api(token).awaitTerminal(id, Duration.ofSeconds(10), Duration.ofMillis(10));

    Result finished = Cli.run(as("cancel", id));
    assertThat(finished.code()).as(finished.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(finished.err()).contains("job " + id + " cannot be cancelled");

    String unknown = java.util.UUID.randomUUID().toString();
    Result missing = Cli.run(as("cancel", unknown));
    assertThat(missing.code()).isEqualTo(ExitCode.FAILED);
    assertThat(missing.err()).contains("job " + unknown + " not found");
    assertThat(new String(missing.outBytes(), StandardCharsets.UTF_8)).isEmpty();
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
