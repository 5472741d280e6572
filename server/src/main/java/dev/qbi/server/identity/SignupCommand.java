package dev.qbi.server.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ingest signup}: creates a user in the local pool and confirms it (SignUp, then
 * AdminConfirmSignUp, which the server accepts from loopback only), for users without the AWS CLI.
 */
@Command(
    name = "signup",
    mixinStandardHelpOptions = true,
    description = {
      "Create a user in the local user pool and confirm it (SignUp + AdminConfirmSignUp).",
      "The password may come from INGEST_PASSWORD instead of the command line."
    })
public final class SignupCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--username",
      defaultValue = "${env:INGEST_USERNAME}",
      description = "User name (env INGEST_USERNAME).")
  String username;

  @Option(
      names = "--password",
      defaultValue = "${env:INGEST_PASSWORD}",
      description =
          "Password: 8+ characters with upper, lower, digit and symbol (env INGEST_PASSWORD).")
  String password;

  @Option(
      names = "--email",
      defaultValue = "${env:INGEST_EMAIL}",
      description = "Email attribute (optional; env INGEST_EMAIL).")
  String email;

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

  @Override
  public Integer call() throws InterruptedException {
    require(username, "--username (or INGEST_USERNAME)");
    require(password, "--password (or INGEST_PASSWORD)");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      CognitoClient client = new CognitoClient(endpoint);
      ObjectNode signUp =
          CognitoClient.body()
              .put("ClientId", clientId)
              .put("Username", username)
              .put("Password", password);
      if (email != null && !email.isBlank()) {
        signUp.putArray("UserAttributes").addObject().put("Name", "email").put("Value", email);
      }
      JsonNode created = client.call("SignUp", signUp);
      out.printf(
          "Signed up user %s (sub %s) in pool %s%n",
          username, created.path("UserSub").asText(), poolId);
      client.call(
          "AdminConfirmSignUp",
          CognitoClient.body().put("UserPoolId", poolId).put("Username", username));
      out.printf(
          "Confirmed user %s; log in with: ingest login --username %s%n", username, username);
      out.flush();
      return 0;
    } catch (CognitoClient.Failure e) {
      err.printf("signup failed: %s%n", e);
      return 1;
    } catch (IOException | IllegalArgumentException e) {
      err.printf("signup failed: cannot talk to %s: %s%n", endpoint, e.getMessage());
      return 1;
    }
  }

  private void require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new ParameterException(spec.commandLine(), "Missing " + what);
    }
  }
}
