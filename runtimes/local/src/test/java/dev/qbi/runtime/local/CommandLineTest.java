package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.runtime.local.cli.ExitCode;
import dev.qbi.runtime.local.cli.Streams;
import dev.qbi.runtime.local.testing.Cli;
import dev.qbi.runtime.local.testing.Cli.Result;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code ingest} command line's own behaviour: usage, durations, one-line errors. */
class CommandLineTest {
  @TempDir Path dir;

  @Test
  void no_arguments_print_the_usage_on_stderr_and_exit_2() {
    Result r = Cli.run();

    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("Usage: ingest").contains("submit", "wait", "download", "jobs");
  }

  @Test
  void every_duration_option_takes_short_forms_and_iso_8601() {
    Streams io = new Streams(new ByteArrayInputStream(new byte[0]), System.out, System.err, false);

    CommandLine.ParseResult serve =
        Main.commandLine(io)
            .parseArgs(
                "serve",
                "--link-ttl",
                "1h",
                "--visibility-timeout",
                "PT45S",
                "--retry-delay",
                "250ms");
    ServeCommand s = (ServeCommand) serve.subcommand().commandSpec().userObject();
    assertThat(s.linkTtl).isEqualTo(Duration.ofHours(1));
    assertThat(s.visibilityTimeout).isEqualTo(Duration.ofSeconds(45));
    assertThat(s.retryDelay).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void backend_aws_without_its_resources_or_issuer_is_one_line_and_exit_2_creating_nothing() {
    Path data = dir.resolve("data");
    String dataDir = data.toString();

    Result missing =
        Cli.run(
            "serve",
            "--backend",
            "aws",
            "--issuer",
            "http://127.0.0.1:9/pool",
            "--queue-url",
            "http://127.0.0.1:9/q",
            "--port",
            "0",
            "--data-dir",
            dataDir);
    Result noIssuer =
        Cli.run(
            "serve",
            "--backend",
            "AWS",
            "--queue-url",
            "q",
            "--dead-letter-queue-url",
            "d",
            "--table",
            "t",
            "--bucket",
            "b",
            "--port",
            "0",
            "--data-dir",
            dataDir);
    Result role = Cli.run("serve", "--role", "workers", "--port", "0", "--data-dir", dataDir);

    assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err().strip())
        .isEqualTo(
            "ingest serve: --backend aws needs --dead-letter-queue-url"
                + " (INGEST_DEAD_LETTER_QUEUE_URL), --table (INGEST_TABLE), --bucket"
                + " (INGEST_BUCKET)");
    assertThat(noIssuer.code()).isEqualTo(ExitCode.USAGE);
    assertThat(noIssuer.err())
        .startsWith("ingest serve: --backend aws needs --issuer")
        .hasLineCount(1);
    assertThat(role.code()).isEqualTo(ExitCode.USAGE);
    assertThat(role.err().strip()).startsWith("ingest serve: --role workers needs --backend aws");
    assertThat(data).doesNotExist();
  }

  @Test
  void a_bad_duration_is_one_line_and_exit_2_before_anything_is_created() {
    Path data = dir.resolve("data");

    Result r = Cli.run("serve", "--link-ttl", "an hour", "--data-dir", data.toString());

    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith(
            "ingest serve: Invalid value for option '--link-ttl': 'an hour' is not a duration");
    assertThat(data).doesNotExist();
  }

  @Test
  void a_bad_log_format_is_one_line_and_exit_2() {
    Result r = Cli.run("serve", "--log-format", "xml", "--data-dir", dir.resolve("d").toString());

    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).isEqualTo("ingest serve: --log-format must be text or json, not xml\n");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void a_port_in_use_is_one_line_and_exit_1_and_creates_no_data_dir() throws Exception {
    Path data = dir.resolve("data");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();

      Result r = Cli.run("serve", "--port", Integer.toString(port), "--data-dir", data.toString());

      assertThat(r.code()).isEqualTo(ExitCode.FAILED);
      assertThat(r.err())
          .isEqualTo(
              "ingest serve: cannot listen on 127.0.0.1:"
                  + port
                  + ": address already in use (is another server running? choose another --port)\n");
    }
    assertThat(data).doesNotExist();
  }

  @Test
  void login_without_password_and_without_a_terminal_says_so() {
    Result r = Cli.run("login", "--username", "a@example.com", "--endpoint", "http://127.0.0.1:9");

    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .isEqualTo(
            "ingest login: Missing --password (or INGEST_PASSWORD); there is no terminal to ask"
                + " for it on (see 'ingest login --help')\n");
  }

  @Test
  void the_banner_hints_point_at_the_server_actually_started() throws Exception {
    assertThat(Banner.hints("http://127.0.0.1:8080", null, null))
        .noneMatch(l -> l.contains("INGEST_ENDPOINT"))
        .anyMatch(l -> l.contains("curl -s http://127.0.0.1:8080/job-status/"));

    List<String> moved = Banner.hints("http://0.0.0.0:9090", null, null);
    assertThat(moved.get(1)).isEqualTo("  export INGEST_ENDPOINT=http://0.0.0.0:9090");
    assertThat(moved)
        .anyMatch(l -> l.contains("curl -s -X POST http://0.0.0.0:9090/submit-job-request"))
        .noneMatch(l -> l.contains("8080"));

    try (var running =
            dev.qbi.runtime.local.testing.RunningServer.start(
                dir.resolve("srv"),
                b ->
                    b.publicUrl(
                        java.util.Optional.of(
                            java.net.URI.create("https://ingest.example.com/"))));
        var buffer = new java.io.ByteArrayOutputStream();
        var out = new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8)) {
      Banner.print(out, running.server);
      assertThat(buffer.toString(java.nio.charset.StandardCharsets.UTF_8))
          .contains("export INGEST_ENDPOINT=https://ingest.example.com\n")
          .contains("API docs   https://ingest.example.com/docs")
          .doesNotContain("8080");
    }
    assertThat(Files.exists(dir.resolve("srv"))).isTrue();
  }

  @Test
  void with_a_self_signed_certificate_the_hints_trust_it_explicitly() {
    List<String> hints = Banner.hints("https://127.0.0.1:8443", null, "/d/tls/cert.pem");
    assertThat(hints)
        .contains("  export INGEST_CA_CERT=/d/tls/cert.pem")
        .contains("  export INGEST_ENDPOINT=https://127.0.0.1:8443")
        .anyMatch(l -> l.contains("curl -s --cacert \"$INGEST_CA_CERT\" -X POST https://"))
        .anyMatch(
            l -> l.contains("curl -s --cacert \"$INGEST_CA_CERT\" https://127.0.0.1:8443/job"))
        .noneMatch(l -> l.contains("--insecure") || l.contains(" -k "));
  }
}
