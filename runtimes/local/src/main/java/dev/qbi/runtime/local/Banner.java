package dev.qbi.runtime.local;

import dev.qbi.runtime.local.tls.ServerCertificate;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ingest serve} prints once it listens: where it is, the {@code
 * AWS_SHARED_CREDENTIALS_FILE=<data-dir>/admin-credentials} line for operator actions, and what to
 * try next, with the commands pointed at the URL this server is reached at (its {@code
 * --host}/{@code --port}, or {@code --public-url}); with HTTPS, the certificate and, for a
 * self-signed one, how curl, the AWS CLI, Python and {@code ./ingest} trust it.
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
    server.tlsCertificate().ifPresent(c -> tls(out, c, url));
    out.println();
    String credentials = "AWS_SHARED_CREDENTIALS_FILE=" + server.adminCredentialsFile();
    out.println("Admin credentials (AWS SigV4 key pair for the Admin* actions and /admin routes):");
    out.println("  " + credentials);
    out.println("  (the AWS CLI and SDKs sign with it when this variable is set; so does");
    out.println("  ./ingest signup)");
    out.println();
    if (server.identityProvider().isPresent()) {
      String caCert =
          server
              .tlsCertificate()
              .filter(ServerCertificate::selfSigned)
              .map(c -> c.certFile().toAbsolutePath().normalize().toString())
              .orElse(null);
      for (String line : hints(url, credentials, caCert)) {
        out.println(line);
      }
      out.println();
    }
    out.println("Stop with Ctrl-C (graceful: in-flight jobs finish or are redelivered).");
    out.flush();
  }

  /**
   * The certificate served over HTTPS; for a self-signed one, how each kind of client trusts it
   * explicitly (never by turning verification off).
   */
  private static void tls(PrintStream out, ServerCertificate c, String url) {
    String file = c.certFile().toAbsolutePath().normalize().toString();
    String expires = c.leaf().getNotAfter().toInstant().toString();
    if (!c.selfSigned()) {
      out.println("  TLS        " + file + " (expires " + expires + ")");
      return;
    }
    out.println(
        "  TLS        self-signed, "
            + (c.generated() ? "made now" : "reused")
            + ": "
            + file
            + " (expires "
            + expires
            + ")");
    out.println("             SHA-256 " + c.sha256Fingerprint());
    out.println();
    out.println("HTTPS with a self-signed certificate: trust that file explicitly in each client:");
    out.println("  curl:      curl --cacert " + file + " " + url + "/health");
    out.println("  AWS CLI:   aws ... --endpoint-url " + url + " --ca-bundle " + file);
    out.println("             (or export AWS_CA_BUNDLE=" + file + ")");
    out.println("  Python:    requests.get(url, verify=\"" + file + "\")");
    out.println(
        "             (or export REQUESTS_CA_BUNDLE=" + file + " / SSL_CERT_FILE=" + file + ")");
    out.println("  ./ingest:  --ca-cert " + file + " (or export INGEST_CA_CERT=" + file + ")");
  }

  /**
   * The sign-in and job commands to try, against {@code url}: when it is not the commands' default
   * endpoint, a hint exports {@code INGEST_ENDPOINT} so that the others reach this server. They
   * start with the {@code export} of the admin credentials line when there is one ({@code ./ingest
   * signup} confirms the new user with them), and of {@code INGEST_CA_CERT} when the server's
   * certificate is self-signed ({@code caCert}: its file), which the curl lines pass too.
   */
  static List<String> hints(String url, String credentials, String caCert) {
    List<String> lines = new ArrayList<>();
    lines.add("Try it (in another terminal):");
    if (credentials != null) {
      lines.add("  export " + credentials);
    }
    if (caCert != null) {
      lines.add("  export INGEST_CA_CERT=" + caCert);
    }
    if (!url.equals(DEFAULT_ENDPOINT)) {
      lines.add("  export INGEST_ENDPOINT=" + url);
    }
    lines.add("  ./ingest signup --username alice@example.com --password 'Passw0rd!'");
    lines.add("  ./ingest login --username alice@example.com    # asks for the password");
    lines.add("  echo '{\"testMessagePayload\":\"payload123\"}' > req.json");
    lines.add("  ./ingest submit req.json | ./ingest wait | ./ingest download -o output.json");
    String cacert = caCert == null ? "" : " --cacert \"$INGEST_CA_CERT\"";
    lines.add("or with curl:");
    lines.add("  TOKEN=$(./ingest login --username alice@example.com --password 'Passw0rd!')");
    lines.add(
        "  curl -s"
            + cacert
            + " -X POST "
            + url
            + "/submit-job-request -H 'Content-Type: application/json' \\");
    lines.add(
        "       -H \"Authorization: $TOKEN\" --data-raw '{\"testMessagePayload\":\"payload123\"}'");
    lines.add(
        "  curl -s" + cacert + " " + url + "/job-status/<MessageId> -H \"Authorization: $TOKEN\"");
    return lines;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
