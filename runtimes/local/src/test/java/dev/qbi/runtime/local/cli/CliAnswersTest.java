package dev.qbi.runtime.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.qbi.runtime.local.testing.Cli;
import dev.qbi.runtime.local.testing.Cli.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The job commands against answers a real server gives rarely or not yet (a job that never
 * finishes, a cancelled job, the cancel route's answers, errors): exit codes and error lines.
 */
class CliAnswersTest {
  static final String ID = "6b1f0c1e-1d0a-4d7b-9d1e-3c1a2b3c4d5e";

  record Answer(int status, String json) {}

  HttpServer server;
  final List<String> requests = new CopyOnWriteArrayList<>();

  String serve(Function<String, Answer> answers) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.add(request);
            Answer a = answers.apply(request);
            byte[] body = a.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  static Answer job(String status, String extra) {
    return new Answer(
        200,
        "{\"jobStatus\":\""
            + status
            + "\",\"jobId\":\""
            + ID
            + "\",\"submittedAt\":\"2025-01-02T03:04:05Z\",\"updatedAt\":\"2025-01-02T03:04:06Z\""
            + ",\"attempts\":1"
            + extra
            + "}");
  }

  Result cli(String endpoint, String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(
        new String[] {"--endpoint", endpoint, "--token", "t0ken"}, 0, all, args.length, 4);
    return Cli.run(all);
  }

  @Test
  void wait_gives_up_with_exit_3_after_the_timeout_showing_the_progress_once() throws Exception {
    String ep = serve(r -> job("processing", ""));

    Result r = cli(ep, "wait", ID, "--timeout", "300ms", "--interval", "20ms");

    assertThat(r.code()).isEqualTo(ExitCode.TIMEOUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().filter(l -> l.contains("processing, attempt 1"))).hasSize(1);
    assertThat(r.err())
        .contains("ingest wait: gave up after 0.3s: job " + ID + " is still processing");
    assertThat(requests.size()).isGreaterThan(2);
    assertThat(requests.getFirst()).isEqualTo("GET /job-status/" + ID);
  }

  @Test
  void wait_on_a_cancelled_job_exits_4_and_json_prints_the_final_status() throws Exception {
    String ep = serve(r -> job("cancelled", ",\"cancelRequestedAt\":\"2025-01-02T03:04:06Z\""));

    Result r = cli(ep, "wait", ID, "--json");

    assertThat(r.code()).isEqualTo(ExitCode.CANCELLED);
    assertThat(r.out()).contains("\"jobStatus\":\"cancelled\"").contains("cancelRequestedAt");
    assertThat(r.err()).contains("ingest wait: job " + ID + " was cancelled");
  }

  @Test
  void wait_treats_404_as_not_yet_within_appear_within() throws Exception {
    int[] calls = {0};
    String ep =
        serve(
            r ->
                calls[0]++ < 2
                    ? new Answer(404, "{}")
                    : job("complete", ",\"jobProcessedPayload\":\"http://x/download/a.json\""));

    Result r = cli(ep, "wait", ID, "--interval", "10ms");

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.OK);
    assertThat(r.err()).contains("not known yet").contains("complete");
  }

  @Test
  void cancel_sends_delete_and_tells_cancelled_from_requested() throws Exception {
    String ep = serve(r -> job("cancelled", ""));
    Result cancelled = cli(ep, "cancel", ID);
    assertThat(cancelled.code()).isEqualTo(ExitCode.OK);
    assertThat(cancelled.out().strip()).isEqualTo("job " + ID + ": cancelled");
    assertThat(requests).containsExactly("DELETE /jobs/" + ID);
    stop();

    ep = serve(r -> job("processing", ",\"cancelRequestedAt\":\"2025-01-02T03:04:06Z\""));
    Result requested = cli(ep, "cancel", ID);
    assertThat(requested.code()).isEqualTo(ExitCode.OK);
    assertThat(requested.out()).contains("cancel requested; it is processing");

    Result json = cli(ep, "cancel", ID, "--json");
    assertThat(json.out()).contains("\"cancelRequestedAt\":\"2025-01-02T03:04:06Z\"");
  }

  @Test
  void cancel_of_a_finished_job_409_or_an_unknown_one_404_exits_1_with_the_reason()
      throws Exception {
    String ep =
        serve(
            r ->
                r.endsWith(ID)
                    ? new Answer(409, "{\"message\":\"Job " + ID + " is already complete\"}")
                    : new Answer(404, "{\"Error Message\":\"No Job data found\"}"));

    Result finished = cli(ep, "cancel", ID);
    assertThat(finished.code()).isEqualTo(ExitCode.FAILED);
    assertThat(finished.err().strip())
        .isEqualTo(
            "ingest cancel: job "
                + ID
                + " cannot be cancelled: Job "
                + ID
                + " is already complete");

    String other = "00000000-0000-4000-8000-000000000000";
    Result unknown = cli(ep, "cancel", other);
    assertThat(unknown.code()).isEqualTo(ExitCode.FAILED);
    assertThat(unknown.err().strip())
        .isEqualTo("ingest cancel: job " + other + " not found (unknown, or another user's)");
  }

  @Test
  void a_server_without_the_route_is_told_from_an_unknown_job() throws Exception {
    String ep = serve(r -> new Answer(404, "{\"message\":\"Endpoint not found\"}"));

    Result r = cli(ep, "cancel", ID);

    assertThat(r.code()).isEqualTo(ExitCode.FAILED);
    assertThat(r.err())
        .isEqualTo(
            "ingest cancel: the server at "
                + ep
                + " has no route for this (HTTP 404: Endpoint not found)\n");
  }

  @Test
  void a_server_error_is_one_line_with_its_message() throws Exception {
    String ep = serve(r -> new Answer(500, "{\"message\":\"Internal server error\"}"));

    Result r = cli(ep, "jobs");

    assertThat(r.code()).isEqualTo(ExitCode.FAILED);
    assertThat(r.err())
        .isEqualTo("ingest jobs: the server answered HTTP 500: Internal server error\n");
  }

  @Test
  void an_unreachable_server_is_one_line_saying_so_for_every_command() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String ep = "http://127.0.0.1:" + closed;
    for (String[] args :
        new String[][] {{"status", ID}, {"wait", ID}, {"jobs"}, {"cancel", ID}, {"download", ID}}) {
      Result r = cli(ep, args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ExitCode.FAILED);
      assertThat(r.err())
          .isEqualTo("ingest " + args[0] + ": cannot reach " + ep + ": connection refused\n");
    }
    Result login = Cli.run("login", "--endpoint", ep, "--username", "u", "--password", "p");
    assertThat(login.code()).isEqualTo(1);
    assertThat(login.err())
        .isEqualTo("ingest login: cannot reach " + ep + ": connection refused\n");
  }

  @Test
  void usage_errors_exit_2_with_one_line() throws Exception {
    String ep = serve(r -> job("complete", ""));

    Result noId = cli(ep, "wait");
    assertThat(noId.code()).isEqualTo(ExitCode.USAGE);
    assertThat(noId.err())
        .isEqualTo(
            "ingest wait: Missing JOB_ID: none given and none on stdin (see 'ingest wait --help')\n");

    Result noFile = cli(ep, "submit", "/nonexistent/req.json");
    assertThat(noFile.code()).isEqualTo(ExitCode.USAGE);
    assertThat(noFile.err())
        .startsWith("ingest submit: cannot read /nonexistent/req.json: no such file");

    Result emptyBody = cli(ep, "submit");
    assertThat(emptyBody.code()).isEqualTo(ExitCode.USAGE);

    Result badDuration = cli(ep, "wait", ID, "--timeout", "soon");
    assertThat(badDuration.code()).isEqualTo(ExitCode.USAGE);
    assertThat(badDuration.err().lines()).hasSize(1);
    assertThat(badDuration.err()).contains("'soon' is not a duration");

    Result badEndpoint = Cli.run("jobs", "--endpoint", "ftp://x", "--token", "t");
    assertThat(badEndpoint.code()).isEqualTo(ExitCode.USAGE);
    assertThat(badEndpoint.err()).contains("--endpoint must be an http(s) URL");
    assertThat(requests).isEmpty();
  }
}
