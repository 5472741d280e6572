package dev.qbi.runtime.local.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a server certificate chain and its private key from PEM files and checks them, with one
 * line saying what is wrong ({@link BadTlsFiles}): a missing or unreadable file, no certificate, a
 * key that is not unencrypted PKCS#8, a key that does not belong to the certificate. A certificate
 * that expired, or is not valid yet, is only a warning in the log: the server starts, and clients
 * will refuse it.
 */
public final class PemFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PemFiles.class);

  private PemFiles() {}

  /** The TLS files cannot be used; the message says why in one line. */
  public static final class BadTlsFiles extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadTlsFiles(String message) {
      super(message);
    }
  }

  /**
   * @throws BadTlsFiles when the files cannot be used
   */
  public static ServerCertificate load(Path certFile, Path keyFile, Clock clock) {
    List<X509Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile, chain.getFirst().getPublicKey());
    requireMatch(key, chain.getFirst().getPublicKey(), certFile, keyFile);
    warnIfNotValid(chain.getFirst(), certFile, clock.instant());
    return new ServerCertificate(key, chain, certFile, false, false);
  }

  /** The X.509 certificates of a PEM file, in order. */
  static List<X509Certificate> certificates(Path file) {
    String text = new String(read(file, "certificate"), StandardCharsets.US_ASCII);
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (byte[] der : Pem.all(text, "CERTIFICATE")) {
        chain.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new BadTlsFiles(
          "the TLS certificate file " + file + " is not a PEM certificate: " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new BadTlsFiles(
          "the TLS certificate file "
              + file
              + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return chain;
  }

  private static PrivateKey privateKey(Path file, PublicKey certified) {
    String text = new String(read(file, "key"), StandardCharsets.US_ASCII);
    Optional<byte[]> pkcs8 = Pem.first(text, "PRIVATE KEY");
    if (pkcs8.isEmpty()) {
      String type = Pem.firstType(text).orElse("");
      String convert = "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file;
      throw new BadTlsFiles(
          "the TLS key file "
              + file
              + switch (type) {
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
                    " is a " + type + " (PKCS#1/SEC1), not PKCS#8" + convert;
                case "ENCRYPTED PRIVATE KEY" -> " is encrypted: give it unencrypted" + convert;
                case "PRIVATE KEY" -> " holds a PRIVATE KEY block that is not valid base64";
                default -> " holds no PEM private key (-----BEGIN PRIVATE KEY-----)";
              });
    }
    String algorithm = certified.getAlgorithm();
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8.get()));
    } catch (GeneralSecurityException e) {
      throw new BadTlsFiles(
          "the TLS key file "
              + file
              + " is not a valid "
              + algorithm
              + " private key, the type of the certificate's key");
    }
  }

  /** The key signs what the certificate's public key verifies: they are a pair. */
  private static void requireMatch(PrivateKey key, PublicKey certified, Path cert, Path keyFile) {
    String algorithm =
        switch (certified.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
          default ->
              throw new BadTlsFiles(
                  "the TLS certificate "
                      + cert
                      + " has a "
                      + certified.getAlgorithm()
                      + " key; RSA, EC or EdDSA are supported");
        };
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    boolean matches;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certified);
      verify.update(probe);
      matches = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new BadTlsFiles(
          "the TLS key "
              + keyFile
              + " does not match the certificate "
              + cert
              + " (the file's first certificate must be the server's own)");
    }
  }

  private static void warnIfNotValid(X509Certificate leaf, Path file, Instant now) {
    validityProblem(leaf, now).ifPresent(p -> LOG.warn("the TLS certificate {} {}", file, p));
  }

  /** Why clients would refuse the certificate at {@code now} for its dates, if they would. */
  static Optional<String> validityProblem(X509Certificate leaf, Instant now) {
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      return Optional.of(
          "expired on " + leaf.getNotAfter().toInstant() + ": clients will refuse it; renew it");
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      return Optional.of(
          "is not valid before "
              + leaf.getNotBefore().toInstant()
              + ": clients will refuse it until then");
    }
    return Optional.empty();
  }

  private static byte[] read(Path file, String what) {
    String name = "the TLS " + what + " file " + file;
    try {
      if (Files.isDirectory(file)) {
        throw new BadTlsFiles(name + " is a directory");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BadTlsFiles(name + " does not exist");
    } catch (AccessDeniedException e) {
      throw new BadTlsFiles(name + " cannot be read: permission denied");
    } catch (IOException e) {
      throw new BadTlsFiles(name + " cannot be read: " + e.getMessage());
    }
  }
}
