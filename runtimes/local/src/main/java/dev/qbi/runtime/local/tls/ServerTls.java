package dev.qbi.runtime.local.tls;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * The certificate the server presents, from its {@link TlsOptions}, in two steps so that bad input
 * is refused before anything is created on disk: {@link #given} reads and checks PEM files (before
 * the data dir is touched); {@link #inDataDir} makes or reuses the self-signed one (once the data
 * dir is locked).
 */
public final class ServerTls {
  private ServerTls() {}

  /**
   * The certificate of {@code --tls-cert}/{@code --tls-key}; empty for other modes.
   *
   * @throws PemFiles.BadTlsFiles when the files cannot be used (one line)
   */
  public static Optional<ServerCertificate> given(TlsOptions options, Clock clock) {
    if (options.mode() != TlsOptions.Mode.FILES) {
      return Optional.empty();
    }
    return Optional.of(
        PemFiles.load(options.certFile().orElseThrow(), options.keyFile().orElseThrow(), clock));
  }

  /**
   * The self-signed certificate of {@code <dataDir>/tls} for {@code hostNames} when the options ask
   * for one; empty for other modes.
   */
  public static Optional<ServerCertificate> inDataDir(
      TlsOptions options, Set<String> hostNames, Path dataDir, Clock clock) {
    if (options.mode() != TlsOptions.Mode.SELF_SIGNED) {
      return Optional.empty();
    }
    return Optional.of(SelfSignedCertificate.loadOrCreate(dataDir, hostNames, clock));
  }
}
