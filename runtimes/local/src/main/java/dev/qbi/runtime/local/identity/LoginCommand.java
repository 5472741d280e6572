package dev.qbi.runtime.local.identity;

import dev.qbi.client.CognitoClient;
import dev.qbi.runtime.local.cli.Failures;
import dev.qbi.runtime.local.cli.TokenFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingest login}: InitiateAuth with USER_PASSWORD_AUTH; prints only the IdToken on stdout so
 * that {@code TOKEN=$(./ingest login ...)} works, and saves it (owner-only file) for the job
 * commands unless {@code --no-save}.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Log in (InitiateAuth USER_PASSWORD_AUTH), print the IdToken, and nothing else, on stdout,"
          + " and save it for the job commands (submit, status, wait, ...) in an owner-only file.",
      "Use it as: ./ingest login --username U (asks for the password on a terminal), or"
          + " TOKEN=$(./ingest login --username U --password P). The password may come from"
          + " INGEST_PASSWORD."
    })
public final class LoginCommand extends UserPoolCommand {

  @Option(
      names = "--save",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Save the token for the job commands (default); --no-save does not.")
  boolean save;

  @Option(
      names = "--token-file",
      defaultValue = "${env:INGEST_TOKEN_FILE}",
      description =
          "Where to save it (env INGEST_TOKEN_FILE; default $XDG_CONFIG_HOME/ingest/token or"
              + " ~/.config/ingest/token).")
  Path tokenFile;

  @Override
  int run(CognitoClient client, PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException {
    CognitoClient.AuthResult answer = client.initiateAuth(clientId, username, password);
    if (answer.tokens().isEmpty()) {
      err.printf(
          "ingest login: no IdToken in the answer (challenge: %s)%n",
          answer.challengeName().orElse("none"));
      return 1;
    }
    String idToken = answer.tokens().get().idToken();
    out.println(idToken);
    out.flush();
    if (save) {
      Path file = tokenFile != null ? tokenFile : Path.of(TokenFile.defaultPathText());
      try {
        TokenFile.write(file, idToken);
      } catch (IOException e) {
        err.printf("ingest login: the token was not saved to %s: %s%n", file, Failures.text(e));
        return 1;
      }
      err.printf(
          "ingest login: token saved to %s (owner-only; valid %d min)%n",
          file, answer.tokens().get().expiresIn() / 60);
    }
    return 0;
  }
}
