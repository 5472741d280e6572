package dev.qbi.runtime.local.testing;

import dev.qbi.client.AwsCredentials;
import dev.qbi.client.CognitoClient;
import dev.qbi.client.JobApiClient;
import dev.qbi.runtime.local.IngestionServer;
import dev.qbi.runtime.local.ServerSettings;
import dev.qbi.runtime.local.api.AdminCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real local runtime on a free loopback port, over a temporary data dir, and the typed clients
 * (the ones users embed) to talk to it.
 */
public final class RunningServer implements AutoCloseable {
  public static final String PASSWORD = "Corr3ct-Horse!";
  private static final AtomicInteger USERS = new AtomicInteger();

  public final IngestionServer server;

  /** The job API without a token; {@link JobApiClient#withToken} gives a user's. */
  public final JobApiClient client;

  private RunningServer(IngestionServer server) {
    this.server = server;
    this.client = JobApiClient.builder(server.baseUrl()).build();
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

  /** The job API as the user of {@code token}. */
  public JobApiClient api(String token) {
    return client.withToken(token);
  }

  /** A new confirmed user; returns its IdToken. */
  public String newUserToken() {
    return newUserToken(
        "user" + USERS.incrementAndGet() + "-" + System.nanoTime() + "@example.com");
  }

  /** A new confirmed user named {@code username}; returns its IdToken. */
  public String newUserToken(String username) {
    ServerSettings s = server.settings();
    return newUser(server.baseUrl(), username, s.clientId(), s.poolId(), s.dataDir());
  }

  /** The Cognito protocol client, signing with the server's admin key pair. */
  public CognitoClient adminCognito() {
    return adminCognito(server.baseUrl(), server.settings().dataDir());
  }

  /**
   * A Cognito protocol client of {@code base}, signing with the admin key pair of {@code dataDir}.
   */
  public static CognitoClient adminCognito(URI base, Path dataDir) {
    try {
      return new CognitoClient(
          base.toString(),
          AwsCredentials.fromSharedCredentialsFile(dataDir.resolve(AdminCredentials.FILE)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Signs up, admin-confirms (signed with the admin key pair in {@code dataDir}) and logs in a user
   * of the pool served at {@code base} (SignUp, AdminConfirmSignUp, InitiateAuth
   * USER_PASSWORD_AUTH); returns its IdToken.
   */
  public static String newUser(
      URI base, String username, String clientId, String poolId, Path dataDir) {
    try (CognitoClient cognito = adminCognito(base, dataDir)) {
      cognito.signUp(clientId, username, PASSWORD, Map.of("email", username));
      cognito.adminConfirmSignUp(poolId, username);
      return cognito.login(clientId, username, PASSWORD);
    } catch (IOException e) {
      throw new UncheckedIOException("creating user " + username + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
