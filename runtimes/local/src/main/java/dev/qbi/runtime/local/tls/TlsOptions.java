package dev.qbi.runtime.local.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the local server speaks TLS: not at all (plain HTTP, the default), with a certificate and key
 * given as PEM files, or with a self-signed certificate it generates into its data dir.
 *
 * @param certFile the PEM certificate chain, the server's own certificate first ({@link
 *     Mode#FILES})
 * @param keyFile its private key, unencrypted PKCS#8 PEM, RSA or EC ({@link Mode#FILES})
 * @param extraHostNames host names or IP addresses the self-signed certificate covers besides
 *     {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the server's own host ({@link
 *     Mode#SELF_SIGNED})
 */
public record TlsOptions(
    Mode mode, Optional<Path> certFile, Optional<Path> keyFile, List<String> extraHostNames) {

  /** The value of {@code --tls} that generates a certificate. */
  public static final String SELF_SIGNED_VALUE = "self-signed";

  /** Plain HTTP. */
  public static final TlsOptions OFF = new TlsOptions(Mode.OFF, Optional.empty(), Optional.empty());

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
  private static final Pattern IP =
      Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** Where the certificate comes from. */
  public enum Mode {
    OFF,
    FILES,
    SELF_SIGNED
  }

  public TlsOptions {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    extraHostNames = List.copyOf(extraHostNames);
    if (mode == Mode.FILES && (certFile.isEmpty() || keyFile.isEmpty())) {
      throw new IllegalArgumentException(
          "--tls-cert and --tls-key go together: give both (the PEM certificate chain and its"
              + " PKCS#8 private key)");
    }
    if (mode != Mode.SELF_SIGNED && !extraHostNames.isEmpty()) {
      throw new IllegalArgumentException(
          "--tls-host-name names a host of the certificate --tls self-signed generates; it needs"
              + " --tls self-signed");
    }
    for (String name : extraHostNames) {
      if (!isIpAddress(name) && !HOST_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "--tls-host-name takes a host name or an IP address, not '" + name + "'");
      }
    }
  }

  private TlsOptions(Mode mode, Optional<Path> certFile, Optional<Path> keyFile) {
    this(mode, certFile, keyFile, List.of());
  }

  /** A certificate chain and its key from PEM files. */
  public static TlsOptions files(Path certFile, Path keyFile) {
    return new TlsOptions(Mode.FILES, Optional.of(certFile), Optional.of(keyFile));
  }

  /** A self-signed certificate in the data dir, covering these host names too. */
  public static TlsOptions selfSigned(List<String> extraHostNames) {
    return new TlsOptions(Mode.SELF_SIGNED, Optional.empty(), Optional.empty(), extraHostNames);
  }

  /**
   * The options as {@code ingest serve} takes them; {@code null} or blank means not given.
   *
   * @throws IllegalArgumentException in one line: {@code --tls} with another value than {@code
   *     self-signed}, it together with {@code --tls-cert}/{@code --tls-key}, or only one of those
   */
  public static TlsOptions fromCommandLine(
      String tls, Path certFile, Path keyFile, List<String> extraHostNames) {
    Optional<Path> cert = given(certFile);
    Optional<Path> key = given(keyFile);
    List<String> extra = extraHostNames == null ? List.of() : extraHostNames;
    if (tls != null && !tls.isBlank()) {
      if (!tls.strip().toLowerCase(Locale.ROOT).equals(SELF_SIGNED_VALUE)) {
        throw new IllegalArgumentException(
            "--tls takes '"
                + SELF_SIGNED_VALUE
                + "' (or leave it out and give --tls-cert and --tls-key), not '"
                + tls
                + "'");
      }
      if (cert.isPresent() || key.isPresent()) {
        throw new IllegalArgumentException(
            "--tls self-signed generates the certificate: leave out --tls-cert and --tls-key, or"
                + " --tls");
      }
      return selfSigned(extra);
    }
    if (cert.isEmpty() && key.isEmpty()) {
      return new TlsOptions(Mode.OFF, cert, key, extra);
    }
    return new TlsOptions(Mode.FILES, cert, key, extra);
  }

  private static Optional<Path> given(Path p) {
    return Optional.ofNullable(p).filter(x -> !x.toString().isBlank());
  }

  /** The server speaks HTTPS. */
  public boolean enabled() {
    return mode != Mode.OFF;
  }

  /** An IPv4 or IPv6 literal (never looked up), as opposed to a DNS name. */
  static boolean isIpAddress(String name) {
    return IP.matcher(name).matches();
  }
}
