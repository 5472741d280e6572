package dev.qbi.runtime.local.identity;

import dev.qbi.client.CognitoClient;
import dev.qbi.client.CognitoException;
import dev.qbi.runtime.local.cli.Failures;
import dev.qbi.runtime.local.cli.Streams;
import dev.qbi.runtime.local.cli.TrustOption;
import dev.qbi.runtime.local.cli.UsesStreams;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What {@code signup} and {@code login} share: the user's credentials (the password is prompted for
 * when it is not given and a terminal is attached), where the user pool is (and {@code --ca-cert}
 * for its certificate), and how failures are reported (exit 1 with one line on stderr; 2 for a
 * missing option).
 */
abstract class UserPoolCommand implements Callable<Integer>, UsesStreams {

  @Spec CommandSpec spec;

  Streams io = Streams.system();

  @Option(
      names = "--username",
      defaultValue = "${env:INGEST_USERNAME}",
      description = "User name (env INGEST_USERNAME).")
  String username;

  @Option(
      names = "--password",
      defaultValue = "${env:INGEST_PASSWORD}",
      description =
          "Password: 8+ characters with upper, lower, digit and symbol (env INGEST_PASSWORD);"
              + " asked for when left out and a terminal is attached.")
  String password;

  @Option(
      names = "--endpoint",
      defaultValue = "${env:INGEST_ENDPOINT:-http://127.0.0.1:8080}",
      description = "Server base URL (env INGEST_ENDPOINT; default ${DEFAULT-VALUE}).")
  String endpoint;

  @Option(
      names = "--client-id",
      defaultValue = "${env:INGEST_CLIENT_ID:-ingestion-local-client}",
      description = "App client id (env INGEST_CLIENT_ID; default ${DEFAULT-VALUE}).")
  String clientId;

  @Option(
      names = "--pool-id",
      defaultValue = "${env:INGEST_POOL_ID:-local_ingestion}",
      description = "User pool id (env INGEST_POOL_ID; default ${DEFAULT-VALUE}).")
  String poolId;

  @Mixin TrustOption trust;

  /** Does the command's calls; returns the exit code. */
  abstract int run(CognitoClient client, PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException;

  /**
   * The client the command talks through: unsigned by default.
   *
   * @throws CredentialsException when the credentials it needs cannot be read
   */
  CognitoClient open() {
    return new CognitoClient(endpoint, trusted(), null);
  }

  /** What {@code --ca-cert} trusts; {@code null}: the JDK's trust store. */
  SSLContext trusted() {
    try {
      return trust.sslContext();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public void streams(Streams streams) {
    this.io = streams;
  }

  @Override
  public final Integer call() throws InterruptedException {
    require(username, "--username (or INGEST_USERNAME)");
    if (password == null || password.isEmpty()) {
      password = promptForPassword();
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.name();
    CognitoClient opened;
    try {
      opened = open();
    } catch (CredentialsException e) {
      err.printf("%s failed: %s%n", name, e.getMessage());
      return 1;
    }
    try (CognitoClient client = opened) {
      int code = run(client, out, err);
      out.flush();
      return code;
    } catch (CognitoException e) {
      err.printf("ingest %s: %s: %s%n", name, e.errorType(), e.errorMessage());
      return 1;
    } catch (IOException e) {
      err.printf("ingest %s: %s%n", name, Failures.unreachable(e, endpoint));
      return 1;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--endpoint must be an http(s) URL, not '" + endpoint + "'");
    }
  }

  /** Reads the password from the terminal, without echo; a clear error when there is none. */
  private String promptForPassword() {
    Console console = io.interactive() ? System.console() : null;
    if (console == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Missing --password (or INGEST_PASSWORD); there is no terminal to ask for it on");
    }
    char[] typed = console.readPassword("Password for %s: ", username);
    if (typed == null || typed.length == 0) {
      throw new ParameterException(spec.commandLine(), "No password given");
    }
    return new String(typed);
  }

  /** The credentials a command needs cannot be read (the message says which and why). */
  static final class CredentialsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CredentialsException(String message) {
      super(message);
    }
  }

  private void require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new ParameterException(spec.commandLine(), "Missing " + what);
    }
  }
}
