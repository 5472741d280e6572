package dev.qbi.runtime.local.admin;

import dev.qbi.runtime.local.cli.TrustOption;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every operator command needs: where the server is (and {@code --ca-cert} for its
 * certificate), which admin credentials sign the requests, and the output format.
 */
public final class AdminOptions {

  /** The admin credentials file's name in the server's data dir. */
  public static final String CREDENTIALS_FILE = "admin-credentials";

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      defaultValue = "${env:INGEST_ENDPOINT:-http://127.0.0.1:8080}",
      description = "Server base URL (env INGEST_ENDPOINT; default ${DEFAULT-VALUE}).")
  String endpoint;

  @Option(
      names = "--admin-credentials",
      paramLabel = "FILE",
      defaultValue = "${env:AWS_SHARED_CREDENTIALS_FILE}",
      description =
          "AWS shared-credentials file whose [default] key pair signs the requests (SigV4); "
              + "env AWS_SHARED_CREDENTIALS_FILE; default DATA_DIR/"
              + CREDENTIALS_FILE
              + " when it exists, else the requests go unsigned.")
  Path adminCredentials;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:INGEST_DATA_DIR:-./data}",
      description =
          "The server's data dir, where it keeps its admin credentials (env INGEST_DATA_DIR).")
  Path dataDir;

  @Option(names = "--json", description = "Print the server's JSON answer instead of text.")
  boolean json;

  @Mixin TrustOption trust;

  /** The file the credentials come from: the one named, or the data dir's. */
  Path credentialsFile() {
    return adminCredentials != null ? adminCredentials : dataDir.resolve(CREDENTIALS_FILE);
  }

  /**
   * @throws IllegalArgumentException for a bad endpoint, a named credentials file that is missing,
   *     or one that holds no usable key pair, a {@code --ca-cert} file that cannot be used
   */
  AdminClient client() {
    Path file = credentialsFile();
    if (adminCredentials != null && !Files.exists(adminCredentials)) {
      throw new IllegalArgumentException("no admin credentials file at " + adminCredentials);
    }
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--endpoint is not a URL: " + endpoint, e);
    }
    return new AdminClient(uri, AdminClient.credentialsFrom(file), trust.sslContext());
  }
}
