package dev.qbi.e2e;

import dev.qbi.runtime.local.IngestionServer;
import dev.qbi.runtime.local.ServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The local runtime started in-process for the suite: loopback, a free port, a temporary data dir,
 * fast password hashing and short retry delays (so a failing job reaches {@code failed} in well
 * under a second).
 */
public final class LocalRuntime implements AutoCloseable {

  private final Path dir;
  private final IngestionServer server;

  private LocalRuntime(Path dir, IngestionServer server) {
    this.dir = dir;
    this.server = server;
  }

  public static LocalRuntime start() {
    Path dir;
    try {
      dir = Files.createTempDirectory("qbi-e2e-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary data dir", e);
    }
    ServerSettings settings =
        ServerSettings.builder(dir.resolve("data"))
            .host("127.0.0.1")
            .port(0)
            .workers(2)
            .passwordIterations(1_000)
            .maxReceiveCount(3)
            .retryBaseDelay(Duration.ofMillis(50))
            .retryMaxDelay(Duration.ofMillis(200))
            .shutdownGrace(Duration.ofSeconds(2))
            .build();
    return new LocalRuntime(dir, IngestionServer.start(settings));
  }

  public URI baseUrl() {
    return server.baseUrl();
  }

  public String issuer() {
    return server.issuer();
  }

  public String userPoolId() {
    return server.settings().poolId();
  }

  public String clientId() {
    return server.settings().clientId();
  }

  /** The server's admin key pair, {@code <data-dir>/admin-credentials}. */
  public Path adminCredentialsFile() {
    return server.adminCredentialsFile();
  }

  /** A scratch directory removed with the runtime. */
  public Path scratchDir() {
    return dir;
  }

  @Override
  public void close() {
    server.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(LocalRuntime::deleteQuietly);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }
}
