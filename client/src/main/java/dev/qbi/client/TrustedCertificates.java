package dev.qbi.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} that trusts the certificates of one PEM file and nothing else, as {@code
 * curl --cacert} does: for a server whose certificate no public authority signed, such as the local
 * server's {@code --tls self-signed} one. Host names are still verified. Without it, the clients
 * use the JDK's default trust store.
 */
public final class TrustedCertificates {
  private TrustedCertificates() {}

  /**
   * Trusts the X.509 certificates (one or more {@code -----BEGIN CERTIFICATE-----} blocks) in
   * {@code pem}.
   *
   * @throws IOException when the file cannot be read or holds no certificate; the message is one
   *     line naming the file
   */
  public static SSLContext fromPem(Path pem) throws IOException {
    List<Certificate> certificates = read(pem);
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        anchors.setCertificateEntry("trusted-" + i, certificates.get(i));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the certificates of " + pem + ": " + e.getMessage(), e);
    }
  }

  private static List<Certificate> read(Path pem) throws IOException {
    Collection<? extends Certificate> found;
    try (InputStream in = Files.newInputStream(pem)) {
      found = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new IOException("no such file: " + pem, e);
    } catch (CertificateException e) {
      throw new IOException(pem + " is not a PEM certificate file: " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new IOException(pem + " holds no PEM certificate");
    }
    return new ArrayList<>(found);
  }
}
