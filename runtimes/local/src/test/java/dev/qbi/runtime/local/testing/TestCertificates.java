package dev.qbi.runtime.local.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates and keys made in a test, written as PEM files as an operator would give them to
 * {@code --tls-cert}/{@code --tls-key}: a self-signed server certificate for {@code localhost} and
 * {@code 127.0.0.1}.
 */
public final class TestCertificates {
  private TestCertificates() {}

  /** A certificate file and its key file. */
  public record Pair(Path cert, Path key, X509Certificate certificate, KeyPair keys) {}

  /** An RSA or EC ({@code algorithm}) pair valid from an hour ago for a year, in {@code dir}. */
  public static Pair write(Path dir, String algorithm) {
    Instant now = Instant.now();
    return write(dir, algorithm, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)));
  }

  /** A pair valid from {@code notBefore} to {@code notAfter}. */
  public static Pair write(Path dir, String algorithm, Instant notBefore, Instant notAfter) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
      KeyPair keys = generator.generateKeyPair();
      X500Name name = new X500Name("CN=localhost");
      GeneralNames sans =
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              });
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          name,
                          BigInteger.valueOf(System.nanoTime()),
                          Date.from(notBefore),
                          Date.from(notAfter),
                          name,
                          keys.getPublic())
                      .addExtension(Extension.subjectAlternativeName, false, sans)
                      .build(
                          new JcaContentSignerBuilder(
                                  algorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA")
                              .build(keys.getPrivate())));
      Files.createDirectories(dir);
      Path cert = dir.resolve(algorithm.toLowerCase() + "-cert.pem");
      Path key = dir.resolve(algorithm.toLowerCase() + "-key.pem");
      Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
      Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
      return new Pair(cert, key, certificate, keys);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
