package dev.qbi.runtime.local;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ingest serve} prints once it listens: where it is, the {@code
 * AWS_SHARED_CREDENTIALS_FILE=<data-dir>/admin-credentials} line for operator actions, and what to
 * try next, with the commands pointed at the URL this server is reached at (its {@code
 * --host}/{@code --port}, or {@code --public-url}).
 */
final class Banner {
  static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8080";

  private Banner() {}

  static void print(PrintStream out, IngestionServer server) {
    ServerSettings s = server.settings();
    String url = stripSlash(server.baseUrl().toString());
    out.println();
    out.println("queue-based ingestion is running");
    out.println("  API        " + url);
    out.println("  API docs   " + url + "/docs");
    out.println("  metrics    " + url + "/metrics");
    out.println("  issuer     " + server.issuer());
    if (server.identityProvider().isPresent()) {
      out.println("  pool id    " + s.poolId());
    }
    out.println("  client id  " + s.clientId());
    out.println("  data dir   " + s.dataDir().toAbsolutePath().normalize());
    if (s.aws().isPresent()) {
      out.println("  backend    aws: queue " + s.aws().get().queueUrl());
      out.println(
          "             table " + s.aws().get().table() + ", bucket " + s.aws().get().bucket());
    }
    out.println(
        "  workers    "
            + (s.role().runsWorkers() ? s.workers() : 0)
            + " (role: "
            + s.role().wireName()
            + ", handler: "
            + s.jobHandler()
            + ")");
    out.println();
    String credentials = "AWS_SHARED_CREDENTIALS_FILE=" + server.adminCredentialsFile();
    out.println("Admin credentials (AWS SigV4 key pair for the Admin* actions and /admin routes):");
    out.println("  " + credentials);
    out.println("  (the AWS CLI and SDKs sign with it when this variable is set; so does");
    out.println("  ./ingest signup)");
    out.println();
    if (server.identityProvider().isPresent()) {
      for (String line : hints(url, credentials)) {
        out.println(line);
      }
      out.println();
    }
    out.println("Stop with Ctrl-C (graceful: in-flight jobs finish or are redelivered).");
    out.flush();
  }

  /**
   * The sign-in and job commands to try, against {@code url}: when it is not the commands' default
   * endpoint, a hint exports {@code INGEST_ENDPOINT} so that the others reach this server. They
   * start with the {@code export} of the admin credentials line when there is one ({@code ./ingest
   * signup} confirms the new user with them).
   */
  static List<String> hints(String url, String credentials) {
    List<String> lines = new ArrayList<>();
    lines.add("Try it (in another terminal):");
    if (credentials != null) {
      lines.add("  export " + credentials);
    }
    if (!url.equals(DEFAULT_ENDPOINT)) {
      lines.add("  export INGEST_ENDPOINT=" + url);
    }
    lines.add("  ./ingest signup --username alice@example.com --password 'Passw0rd!'");
    lines.add("  ./ingest login --username alice@example.com    # asks for the password");
    lines.add("  echo '{\"testMessagePayload\":\"payload123\"}' > req.json");
    lines.add("  ./ingest submit req.json | ./ingest wait | ./ingest download -o output.json");
    lines.add("or with curl:");
    lines.add("  TOKEN=$(./ingest login --username alice@example.com --password 'Passw0rd!')");
    lines.add(
        "  curl -s -X POST " + url + "/submit-job-request -H 'Content-Type: application/json' \\");
    lines.add(
        "       -H \"Authorization: $TOKEN\" --data-raw '{\"testMessagePayload\":\"payload123\"}'");
    lines.add("  curl -s " + url + "/job-status/<MessageId> -H \"Authorization: $TOKEN\"");
    return lines;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
