package dev.qbi.runtime.local.cli;

import dev.qbi.client.ApiException;
import dev.qbi.client.JobApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the job commands share: where the API is ({@code --endpoint}) and which certificates to
 * trust for it ({@code --ca-cert}), the token ({@code --token}, else the file {@code ingest login}
 * saved), the streams, and how failures are reported: one line on stderr, {@code ingest <command>:
 * <why>}, and an {@link ExitCode}.
 */
public abstract class JobCommand implements Callable<Integer>, UsesStreams {

  @Spec CommandSpec spec;

  @Option(
      names = "--endpoint",
      defaultValue = "${env:INGEST_ENDPOINT:-http://127.0.0.1:8080}",
      description = "API base URL (env INGEST_ENDPOINT; default ${DEFAULT-VALUE}).")
  String endpoint;

  @Option(
      names = "--token",
      defaultValue = "${env:INGEST_TOKEN}",
      description = "IdToken to send (env INGEST_TOKEN); default: the one 'ingest login' saved.")
  String token;

  @Option(
      names = "--token-file",
      defaultValue = "${env:INGEST_TOKEN_FILE}",
      description =
          "File 'ingest login' saves the token to (env INGEST_TOKEN_FILE; default"
              + " $XDG_CONFIG_HOME/ingest/token or ~/.config/ingest/token).")
  Path tokenFile;

  @Mixin TrustOption trust;

  Streams io = Streams.system();

  @Override
  public void streams(Streams streams) {
    this.io = streams;
  }

  /** Does the command's calls; returns its exit code. */
  abstract int run(JobApiClient api) throws IOException, InterruptedException;

  @Override
  public final Integer call() throws InterruptedException {
    String t = token();
    SSLContext trusted;
    try {
      trusted = trust.sslContext();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    JobApiClient api;
    try {
      JobApiClient.Builder b = JobApiClient.builder(URI.create(endpoint)).token(t);
      api = (trusted == null ? b : b.sslContext(trusted)).build();
    } catch (IllegalArgumentException e) {
      throw usage("--endpoint must be an http(s) URL, not '" + endpoint + "'");
    }
    try (api) {
      int code = run(api);
      io.out().flush();
      return code;
    } catch (ApiException e) {
      return fail(explain(e));
    } catch (IOException e) {
      return fail(Failures.unreachable(e, endpoint));
    }
  }

  /** The one-line reason of an error answer; commands refine it for their job (404, 409). */
  String explain(ApiException e) {
    String m = Failures.answerMessage(e);
    return switch (e.statusCode()) {
      case 401 ->
          "the server refused the token (HTTP 401: "
              + m
              + "); log in again with 'ingest login --username U'";
      case 403 -> "forbidden (HTTP 403): " + m;
      default -> "the server answered HTTP " + e.statusCode() + ": " + m;
    };
  }

  /**
   * "job X not found" for a 404, else {@link #explain(ApiException)}; a 404 of the server itself
   * (no such route: a server older than this command) says so instead.
   */
  String explainForJob(ApiException e, String jobId) {
    if (e.statusCode() != 404) {
      return explain(e);
    }
    String m = Failures.answerMessage(e);
    return m.equalsIgnoreCase("Endpoint not found") || m.equalsIgnoreCase("Not Found")
        ? "the server at " + endpoint + " has no route for this (HTTP 404: " + m + ")"
        : "job " + jobId + " not found (unknown, or another user's)";
  }

  /** Prints {@code ingest <command>: <line>} on stderr; returns {@link ExitCode#FAILED}. */
  int fail(String line) {
    io.err().println("ingest " + spec.name() + ": " + line);
    io.err().flush();
    return ExitCode.FAILED;
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /**
   * The job id given as argument, or, when there is none (or it is {@code -}), the first line of
   * stdin, so that {@code ingest submit req.json | ingest wait} works.
   */
  String jobId(String argument) {
    if (argument != null && !argument.equals("-")) {
      return argument.strip();
    }
    if (argument == null && io.interactive()) {
      throw usage("Missing JOB_ID (give it as argument, or pipe it on stdin)");
    }
    try {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isBlank()) {
          return line.strip();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the job id from stdin", e);
    }
    throw usage("Missing JOB_ID: none given and none on stdin");
  }

  private String token() {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    Path file = tokenFile != null ? tokenFile : Path.of(TokenFile.defaultPathText());
    Optional<String> saved;
    try {
      saved = TokenFile.read(file);
    } catch (IOException e) {
      throw usage("cannot read the token file " + file + ": " + Failures.text(e));
    }
    return saved.orElseThrow(
        () ->
            usage(
                "no token: log in with 'ingest login --username U' (it saves one to "
                    + file
                    + "), or pass --token / set INGEST_TOKEN"));
  }
}
