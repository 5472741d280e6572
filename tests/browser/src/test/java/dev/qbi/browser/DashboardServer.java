package dev.qbi.browser;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.qbi.client.AwsCredentials;
import dev.qbi.client.CognitoClient;
import dev.qbi.client.JobApiClient;
import dev.qbi.runtime.local.IngestionServer;
import dev.qbi.runtime.local.ServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * The local server in this process on a free loopback port over a temporary data dir, its users,
 * and every log line it writes meanwhile, its own loggers down to debug (to prove that tokens never
 * reach the log).
 */
final class DashboardServer implements AutoCloseable {
  static final String PASSWORD = "Corr3ct-Horse!";

  final IngestionServer server;
  final JobApiClient client;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LogSink sink = new LogSink();
  private final Logger qbi = (Logger) LoggerFactory.getLogger("dev.qbi");
  private final Level qbiLevel = qbi.getLevel();

  private DashboardServer(Path dataDir, UnaryOperator<ServerSettings.Builder> tweak) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    qbi.setLevel(Level.DEBUG);
    sink.setContext(root.getLoggerContext());
    sink.start();
    root.addAppender(sink);
    ServerSettings.Builder settings =
        ServerSettings.builder(dataDir)
            .port(0)
            .workers(2)
            .passwordIterations(1_000)
            .retryBaseDelay(Duration.ofMillis(20))
            .retryMaxDelay(Duration.ofMillis(100))
            .shutdownGrace(Duration.ofSeconds(2));
    server = IngestionServer.start(tweak.apply(settings).build());
    client = JobApiClient.builder(server.baseUrl()).build();
  }

  static DashboardServer start(Path dataDir, UnaryOperator<ServerSettings.Builder> tweak) {
    return new DashboardServer(dataDir, tweak);
  }

  /** Every log line so far (logger name, message, exception message). */
  String log() {
    return String.join("\n", lines);
  }

  /** The server's base URL without a trailing slash. */
  String base() {
    return server.baseUrl().toString().replaceAll("/$", "");
  }

  AwsCredentials adminCredentials() {
    try {
      return AwsCredentials.fromSharedCredentialsFile(server.adminCredentialsFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A confirmed user of the local pool; returns its IdToken (for API calls from the test). */
  String newUser(String username) {
    ServerSettings s = server.settings();
    try (CognitoClient cognito = new CognitoClient(base(), adminCredentials())) {
      cognito.signUp(s.clientId(), username, PASSWORD, Map.of("email", username));
      cognito.adminConfirmSignUp(s.poolId(), username);
      return cognito.login(s.clientId(), username, PASSWORD);
    } catch (IOException e) {
      throw new UncheckedIOException("creating user " + username + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
      server.close();
    } finally {
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.detachAppender(sink);
      sink.stop();
      qbi.setLevel(qbiLevel);
    }
  }

  private final class LogSink extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      lines.add(event.getLoggerName() + " " + event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        lines.add(event.getThrowableProxy().getMessage());
      }
    }
  }
}
