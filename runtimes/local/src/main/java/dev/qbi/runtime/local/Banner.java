package dev.qbi.runtime.local;

import java.io.PrintStream;

/**
 * What {@code ingest serve} prints once it listens: where it is, the {@code
 * AWS_SHARED_CREDENTIALS_FILE=<data-dir>/admin-credentials} line for operator actions, and what to
 * try next.
 */
final class Banner {
  private Banner() {}

  static void print(PrintStream out, IngestionServer server) {
    ServerSettings s = server.settings();
    String url = server.baseUrl().toString();
    out.println();
    out.println("queue-based ingestion is running");
    out.println("  API        " + url);
    out.println("  issuer     " + server.issuer());
    if (server.identityProvider().isPresent()) {
      out.println("  pool id    " + s.poolId());
    }
    out.println("  client id  " + s.clientId());
    out.println("  data dir   " + s.dataDir().toAbsolutePath().normalize());
    out.println("  workers    " + s.workers() + " (handler: " + s.jobHandler() + ")");
    out.println();
    String credentials = "AWS_SHARED_CREDENTIALS_FILE=" + server.adminCredentialsFile();
    out.println("Admin credentials (AWS SigV4 key pair for the Admin* actions and /admin routes):");
    out.println("  " + credentials);
    out.println("  (the AWS CLI and SDKs sign with it when this variable is set; so does");
    out.println("  ./ingest signup)");
    out.println();
    if (server.identityProvider().isPresent()) {
      out.println("Try it (in another terminal):");
      out.println("  export " + credentials);
      out.println(
          "  ./ingest signup --endpoint "
              + url
              + " --username alice@example.com --password 'Passw0rd!'");
      out.println(
          "  TOKEN=$(./ingest login --endpoint "
              + url
              + " --username alice@example.com --password 'Passw0rd!')");
      out.println(
          "  curl -s -X POST "
              + url
              + "/submit-job-request -H 'Content-Type: application/json' \\");
      out.println(
          "       -H \"Authorization: $TOKEN\" --data-raw '{\"testMessagePayload\":\"payload123\"}'");
      out.println("  curl -s " + url + "/job-status/<MessageId> -H \"Authorization: $TOKEN\"");
      out.println();
    }
    out.println("Stop with Ctrl-C (graceful: in-flight jobs finish or are redelivered).");
    out.flush();
  }
}
