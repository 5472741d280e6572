package dev.qbi.runtime.local.identity;

import dev.qbi.client.CognitoClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
public final class SignupCommand extends UserPoolCommand {

  @Option(
      names = "--email",
      defaultValue = "${env:INGEST_EMAIL}",
      description = "Email attribute (optional; env INGEST_EMAIL).")
  String email;

  @Override
  int run(CognitoClient client, PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException {
    Map<String, String> attributes =
        email != null && !email.isBlank() ? Map.of("email", email) : Map.of();
    CognitoClient.SignUpResult created = client.signUp(clientId, username, password, attributes);
    out.printf("Signed up user %s (sub %s) in pool %s%n", username, created.userSub(), poolId);
    client.adminConfirmSignUp(poolId, username);
    out.printf("Confirmed user %s; log in with: ingest login --username %s%n", username, username);
    return 0;
  }
}
