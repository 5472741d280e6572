package dev.qbi.runtime.local.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate of {@code ingest serve --tls self-signed}: an EC P-256 key pair and a certificate
 * it signs itself, for the server's host names and addresses, in {@code <data-dir>/tls/} ({@code
 * cert.pem} readable by all, {@code key.pem} owner-only). Made once and reused on every start while
 * it covers the names asked for and is valid for {@link #RENEW_BEFORE} more; else a new pair
 * replaces it (clients must then trust the new {@code cert.pem}).
 *
 * <p>The certificate is its own trust anchor: clients trust that file ({@code curl --cacert},
 * {@code AWS_CA_BUNDLE}, {@code ingest --ca-cert}), never "insecure" modes. So that strict
 * verifiers (OpenSSL's {@code X509_STRICT}, which Python 3.13 turns on) accept it as an anchor it
 * is marked a CA (path length 0) with key usages, subject and authority key identifiers; it also
 * names {@code serverAuth} as its one extended key usage. BouncyCastle builds it; the JDK's own
 * provider signs (no security provider is registered).
 */
public final class SelfSignedCertificate {
  /** The certificate's lifetime (the longest some clients accept for a server certificate). */
  static final Duration LIFETIME = Duration.ofDays(397);

  /** A certificate with less left than this is replaced at start. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  static final String DIR = "tls";
  static final String CERT_FILE = "cert.pem";
  static final String KEY_FILE = "key.pem";

  private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificate.class);

  private SelfSignedCertificate() {}

  /** {@code <data-dir>/tls/cert.pem}. */
  public static Path certFile(Path dataDir) {
    return dataDir.resolve(DIR).resolve(CERT_FILE);
  }

  /**
   * The certificate in {@code <data-dir>/tls}, made first when there is none, or when the one there
   * does not cover {@code names}, is about to expire or cannot be read.
   *
   * @param names host names and IP addresses (literals) the certificate must cover
   */
  public static ServerCertificate loadOrCreate(Path dataDir, Set<String> names, Clock clock) {
    Path dir = dataDir.resolve(DIR);
    Path cert = dir.resolve(CERT_FILE);
    Path key = dir.resolve(KEY_FILE);
    Instant now = clock.instant();
    if (Files.exists(cert) || Files.exists(key)) {
      try {
        ServerCertificate existing = PemFiles.load(cert, key, clock);
        Set<String> missing = missing(existing.leaf(), names);
        Instant notAfter = existing.leaf().getNotAfter().toInstant();
        if (missing.isEmpty() && now.plus(RENEW_BEFORE).isBefore(notAfter)) {
          return new ServerCertificate(existing.key(), existing.chain(), cert, true, false);
        }
        LOG.warn(
            "the self-signed certificate {} {}; making a new one (clients must trust it again)",
            cert,
            missing.isEmpty() ? "expires on " + notAfter : "does not cover " + missing);
      } catch (PemFiles.BadTlsFiles e) {
        LOG.warn("{}; making a new self-signed certificate", e.getMessage());
      }
    }
    return create(dir, names, now);
  }

  /** The names of {@code wanted} the certificate's subject alternative names do not hold. */
  static Set<String> missing(X509Certificate certificate, Set<String> wanted) {
    Set<String> covered = new HashSet<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          covered.add(normalize(String.valueOf(san.get(1))));
        }
      }
    } catch (CertificateParsingException e) {
      return new LinkedHashSet<>(wanted);
    }
    Set<String> missing = new LinkedHashSet<>();
    for (String name : wanted) {
      if (!covered.contains(normalize(name))) {
        missing.add(name);
      }
    }
    return missing;
  }

  private static ServerCertificate create(Path dir, Set<String> names, Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      X509Certificate certificate = sign(pair, names, now);
      ServerCertificate made =
          new ServerCertificate(
              pair.getPrivate(), List.of(certificate), dir.resolve(CERT_FILE), true, true);
      createPrivateDirectory(dir);
      // the key first: a crash in between leaves a key without certificate, made again next time
      write(
          dir.resolve(KEY_FILE),
          Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()),
          "rw-------");
      write(dir.resolve(CERT_FILE), made.certificatesPem(), "rw-r--r--");
      LOG.info("made a self-signed TLS certificate for {} in {}", names, dir);
      return made;
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot make a self-signed certificate: " + e, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the self-signed certificate to " + dir, e);
    }
  }

  private static X509Certificate sign(KeyPair pair, Set<String> names, Instant now)
      throws GeneralSecurityException, OperatorCreationException, CertIOException {
    X500Name subject = new X500Name("CN=ingest local server (self-signed),O=queue-based ingestion");
    byte[] serial = new byte[16];
    new SecureRandom().nextBytes(serial);
    JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
                subject,
                new BigInteger(1, serial),
                // an hour back: a client whose clock is a little behind accepts it too
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(LIFETIME)),
                subject,
                pair.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
            .addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign))
            .addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
            .addExtension(Extension.subjectAlternativeName, false, alternativeNames(names))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                ids.createSubjectKeyIdentifier(pair.getPublic()))
            .addExtension(
                Extension.authorityKeyIdentifier,
                false,
                ids.createAuthorityKeyIdentifier(pair.getPublic()));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
  }

  private static GeneralNames alternativeNames(Set<String> names) {
    GeneralName[] all = new GeneralName[names.size()];
    int i = 0;
    for (String name : names) {
      all[i++] =
          TlsOptions.isIpAddress(name)
              ? new GeneralName(GeneralName.iPAddress, name)
              : new GeneralName(GeneralName.dNSName, name);
    }
    return new GeneralNames(all);
  }

  /** IP literals in one form ({@code ::1} and {@code 0:0:0:0:0:0:0:1} alike); names lower case. */
  private static String normalize(String name) {
    if (TlsOptions.isIpAddress(name)) {
      try {
        return InetAddress.getByName(name).getHostAddress();
      } catch (UnknownHostException e) {
        return name;
      }
    }
    return name.toLowerCase(Locale.ROOT);
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (posix()) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static void write(Path file, String text, String mode) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    if (posix()) {
      Files.createFile(
          temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, text, StandardCharsets.US_ASCII);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(mode));
    } else {
      Files.writeString(temp, text, StandardCharsets.US_ASCII);
    }
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
