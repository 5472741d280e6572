package dev.qbi.server.identity;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
public final class LoginCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--username",
      defaultValue = "${env:INGEST_USERNAME}",
      description = "User name (env INGEST_USERNAME).")
  String username;

  @Option(
      names = "--password",
      defaultValue = "${env:INGEST_PASSWORD}",
      description = "Password (env INGEST_PASSWORD).")
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
      description =
          "User pool id (env INGEST_POOL_ID; default ${DEFAULT-VALUE}); InitiateAuth needs only"
              + " the client id, this is accepted for symmetry with signup.")
  String poolId;

  @Override
  public Integer call() throws InterruptedException {
    require(username, "--username (or INGEST_USERNAME)");
    require(password, "--password (or INGEST_PASSWORD)");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      CognitoClient client = new CognitoClient(endpoint);
      var body =
          CognitoClient.body().put("ClientId", clientId).put("AuthFlow", "USER_PASSWORD_AUTH");
      body.putObject("AuthParameters").put("USERNAME", username).put("PASSWORD", password);
      JsonNode answer = client.call("InitiateAuth", body);
      String idToken = answer.path("AuthenticationResult").path("IdToken").asText("");
      if (idToken.isEmpty()) {
        String challenge = answer.path("ChallengeName").asText("none");
        err.printf("login failed: no IdToken in the answer (challenge: %s)%n", challenge);
        return 1;
      }
      out.println(idToken);
      out.flush();
      return 0;
    } catch (CognitoClient.Failure e) {
      err.printf("login failed: %s%n", e);
      return 1;
    } catch (IOException | IllegalArgumentException e) {
      err.printf("login failed: cannot talk to %s: %s%n", endpoint, e.getMessage());
      return 1;
    }
  }

  private void require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new ParameterException(spec.commandLine(), "Missing " + what);
    }
  }
}
