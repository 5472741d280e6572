package dev.qbi.runtime.local.identity;

import dev.qbi.client.AwsCredentials;
import dev.qbi.client.CognitoClient;
import dev.qbi.runtime.local.api.AdminCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingest signup}: creates a user in the local pool and confirms it (SignUp, then
 * AdminConfirmSignUp), for users without the AWS CLI. AdminConfirmSignUp is signed (AWS SigV4) with
 * the server's admin key pair: {@code --admin-credentials}, else {@code
 * AWS_SHARED_CREDENTIALS_FILE}, else {@code <data-dir>/admin-credentials}.
 */
@Command(
    name = "signup",
    mixinStandardHelpOptions = true,
    description = {
      "Create a user in the local user pool and confirm it (SignUp + AdminConfirmSignUp).",
      "AdminConfirmSignUp is signed with the server's admin key pair (its data dir's",
      "admin-credentials file). The password may come from INGEST_PASSWORD instead of the",
      "command line."
    })
public final class SignupCommand extends UserPoolCommand {

  @Option(
      names = "--email",
      defaultValue = "${env:INGEST_EMAIL}",
      description = "Email attribute (optional; env INGEST_EMAIL).")
  String email;

  @Option(
      names = "--admin-credentials",
      defaultValue = "${env:AWS_SHARED_CREDENTIALS_FILE}",
      description =
          "The server's admin key pair, an AWS shared-credentials file (env"
              + " AWS_SHARED_CREDENTIALS_FILE; default <data-dir>/admin-credentials).")
  Path adminCredentials;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:INGEST_DATA_DIR:-./data}",
      description =
          "The server's data dir, where it wrote admin-credentials (env INGEST_DATA_DIR;"
              + " default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  CognitoClient open() {
    Path file =
        adminCredentials != null && !adminCredentials.toString().isBlank()
            ? adminCredentials
            : dataDir.resolve(AdminCredentials.FILE);
    try {
      return new CognitoClient(endpoint, trusted(), AwsCredentials.fromSharedCredentialsFile(file));
    } catch (IOException e) {
      throw new CredentialsException(
          "cannot read the admin credentials "
              + file
              + " ("
              + e.getMessage()
              + "); the server writes them to <data-dir>/admin-credentials on its first start:"
              + " pass --data-dir or --admin-credentials");
    }
  }

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
