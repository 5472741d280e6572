package dev.qbi.runtime.local.testing;

import dev.qbi.runtime.local.IngestionServer;
import dev.qbi.runtime.local.ServerSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** A real local runtime on a free loopback port, over a temporary data dir. */
public final class RunningServer implements AutoCloseable {
  private static final AtomicInteger USERS = new AtomicInteger();

  public final IngestionServer server;
  public final ApiClient client;

  private RunningServer(IngestionServer server) {
    this.server = server;
    this.client = new ApiClient(server.baseUrl());
  }

  /** Test defaults: fast password hashing, quick retries, two workers. */
  public static ServerSettings.Builder settings(Path dataDir) {
    return ServerSettings.builder(dataDir)
        .port(0)
        .workers(2)
        .passwordIterations(1_000)
        .retryBaseDelay(Duration.ofMillis(20))
        .retryMaxDelay(Duration.ofMillis(100))
        .shutdownGrace(Duration.ofSeconds(5));
  }

  public static RunningServer start(Path dataDir, UnaryOperator<ServerSettings.Builder> tweak) {
    return start(dataDir, tweak, Clock.systemUTC());
  }

  public static RunningServer start(
      Path dataDir, UnaryOperator<ServerSettings.Builder> tweak, Clock clock) {
    return new RunningServer(IngestionServer.start(tweak.apply(settings(dataDir)).build(), clock));
  }

  public static RunningServer start(Path dataDir) {
    return start(dataDir, b -> b);
  }

  /** A new confirmed user; returns its IdToken. */
  public String newUserToken() {
    ServerSettings s = server.settings();
    return client.newUser(
        "user" + USERS.incrementAndGet() + "-" + System.nanoTime() + "@example.com",
        s.clientId(),
        s.poolId());
  }

  @Override
  public void close() {
    server.close();
  }
}
