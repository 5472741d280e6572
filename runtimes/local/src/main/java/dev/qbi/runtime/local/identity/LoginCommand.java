package dev.qbi.runtime.local.identity;

import com.fasterxml.jackson.databind.JsonNode;
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
      throws IOException, InterruptedException, CognitoClient.Failure {
    var body = CognitoClient.body().put("ClientId", clientId).put("AuthFlow", "USER_PASSWORD_AUTH");
    body.putObject("AuthParameters").put("USERNAME", username).put("PASSWORD", password);
    JsonNode answer = client.call("InitiateAuth", body);
    String idToken = answer.path("AuthenticationResult").path("IdToken").asText("");
    if (idToken.isEmpty()) {
      String challenge = answer.path("ChallengeName").asText("none");
      err.printf("login failed: no IdToken in the answer (challenge: %s)%n", challenge);
      return 1;
    }
    out.println(idToken);
    return 0;
  }
}
