package dev.qbi.runtime.local.identity;

import dev.qbi.client.CognitoClient;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code ingest login}: InitiateAuth with USER_PASSWORD_AUTH; prints only the IdToken on stdout so
 * that {@code TOKEN=$(./ingest login ...)} works.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Log in (InitiateAuth USER_PASSWORD_AUTH) and print the IdToken, and nothing else, on stdout.",
      "Use it as: TOKEN=$(./ingest login --username U). The password may come from INGEST_PASSWORD."
    })
public final class LoginCommand extends UserPoolCommand {

  @Override
  int run(CognitoClient client, PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException {
    CognitoClient.AuthResult answer = client.initiateAuth(clientId, username, password);
    if (answer.tokens().isEmpty()) {
      err.printf(
          "login failed: no IdToken in the answer (challenge: %s)%n",
          answer.challengeName().orElse("none"));
      return 1;
    }
    out.println(answer.tokens().get().idToken());
    return 0;
  }
}
