package dev.qbi.runtime.local.cli;

import dev.qbi.client.TrustedCertificates;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * {@code --ca-cert}: the client commands' trust for an {@code https://} endpoint. Given, they trust
 * the certificates of that PEM file only (as {@code curl --cacert} does), e.g. the {@code
 * DATA_DIR/tls/cert.pem} of {@code ingest serve --tls self-signed}; else the JDK's default trust
 * store. Host names are verified either way; there is no way to turn verification off.
 */
public final class TrustOption {

  @Option(
      names = "--ca-cert",
      paramLabel = "PEM",
      defaultValue = "${env:INGEST_CA_CERT}",
      description =
          "Trust the certificate(s) of this PEM file for https:// (e.g. DATA_DIR/tls/cert.pem of"
              + " 'serve --tls self-signed') instead of the JDK's trust store (env"
              + " INGEST_CA_CERT).")
  Path caCert;

  /**
   * The trust to use; {@code null} for the JDK's default.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate (one
   *     line)
   */
  public SSLContext sslContext() {
    if (caCert == null || caCert.toString().isBlank()) {
      return null;
    }
    try {
      return TrustedCertificates.fromPem(caCert);
    } catch (IOException e) {
      throw new IllegalArgumentException("--ca-cert: " + Failures.text(e));
    }
  }
}
