package dev.qbi.runtime.local;

import dev.qbi.adapters.local.files.FilePayloadStore;
import dev.qbi.adapters.local.files.Secrets;
import dev.qbi.adapters.local.files.UrlSigner;
import dev.qbi.adapters.local.sqlite.SqliteDatabase;
import dev.qbi.adapters.local.sqlite.SqliteDeadLetters;
import dev.qbi.adapters.local.sqlite.SqliteJobIntake;
import dev.qbi.adapters.local.sqlite.SqliteJobQueue;
import dev.qbi.adapters.local.sqlite.SqliteJobTable;
import dev.qbi.adapters.local.sqlite.SqliteRetention;
import dev.qbi.identity.IdentitySettings;
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.api.AdminCredentials;
import dev.qbi.runtime.local.api.ApiMetrics;
import dev.qbi.runtime.local.api.DownloadService;
import dev.qbi.runtime.local.api.StorageHealth;
import dev.qbi.runtime.local.worker.RetentionSweeper;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local backend: everything in the data dir. The dir is locked first (a second server on it is
 * refused before anything is created); then the job database (SQLite: queue, job table, dead
 * letters), the local identity provider unless tokens come from an external issuer, the outputs as
 * files with signed {@code /download} links, and the retention sweeper.
 */
final class LocalBackend implements Backend {

  /** Between two batches of a retention pass: the writer is intake's meanwhile. */
  private static final Duration RETENTION_PAUSE = Duration.ofMillis(20);

  private final ServerSettings settings;
  private final Clock clock;
  private final Path dataDir;
  private final DataDirectory dataDirectory;
  private final SqliteDatabase database;
  private final Optional<LocalIdentityProvider> identity;
  private final SqliteJobQueue queue;
  private final SqliteJobTable table;
  private final SqliteJobIntake intake;
  private final SqliteDeadLetters deadLetters;
  private final FilePayloadStore payloads;
  private RetentionSweeper retention;
  private boolean closed;

  private LocalBackend(ServerSettings settings, Clock clock, List<AutoCloseable> opened) {
    this.settings = settings;
    this.clock = clock;
    dataDir = settings.dataDir().toAbsolutePath().normalize();
    // first of all: the lock (a second server is refused before it creates anything) and the
    // checks of what the dir holds
    dataDirectory = DataDirectory.open(dataDir);
    opened.add(dataDirectory);
    if (settings.externalIssuer().isEmpty()) {
      // checked before anything opens, so that a refusal is all the output there is
      SqliteDatabase.requireIntact(dataDir.resolve(DataDirectory.IDENTITY_DB));
    }
    database = SqliteDatabase.open(dataDir.resolve(DataDirectory.INGEST_DB), clock);
    opened.add(database);
    identity = openIdentity();
    identity.ifPresent(opened::add);
    dataDirectory.recordOpened();
    queue = new SqliteJobQueue(database);
    table = new SqliteJobTable(database);
    intake = new SqliteJobIntake(database, queue);
    deadLetters = new SqliteDeadLetters(database);
    UrlSigner signer =
        new UrlSigner(Secrets.loadOrCreate(dataDir.resolve("keys/url-signing.key"), 32), clock);
    payloads =
        new FilePayloadStore(
            dataDir.resolve("payloads"), settings.baseUrl(), signer, settings.syncOutputs());
  }

  /** Opens the data dir; closes again what it opened should a step fail. */
  static LocalBackend open(ServerSettings settings, Clock clock) {
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      return new LocalBackend(settings, clock, opened);
    } catch (RuntimeException e) {
      IngestionServer.closeAll(opened, e);
      throw e;
    }
  }

  /** The local identity provider, unless tokens come from an external issuer. */
  private Optional<LocalIdentityProvider> openIdentity() {
    if (settings.externalIssuer().isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        LocalIdentityProvider.open(
            dataDir,
            new IdentitySettings(
                settings.poolId(),
                settings.clientId(),
                settings.localIssuer(),
                settings.passwordIterations()),
            clock));
  }

  @Override
  public SqliteJobQueue queue() {
    return queue;
  }

  @Override
  public SqliteJobTable table() {
    return table;
  }

  @Override
  public SqliteJobIntake intake() {
    return intake;
  }

  @Override
  public FilePayloadStore payloads() {
    return payloads;
  }

  @Override
  public SqliteDeadLetters deadLetters() {
    return deadLetters;
  }

  @Override
  public Optional<LocalIdentityProvider> identity() {
    return identity;
  }

  SqliteDatabase database() {
    return database;
  }

  /** The background deletion of jobs past retention (null before {@link #start}). */
  RetentionSweeper retention() {
    return retention;
  }

  @Override
  public StorageHealth health() {
    SqliteDatabase.WriteHealth h = database.writeHealth();
    return new StorageHealth(h.writable(), h.problem(), h.since());
  }

  @Override
  public Optional<Instant> oldestMessageSentAt() {
    return queue.oldestSentAt();
  }

  @Override
  public boolean knowsOldestMessage() {
    return true;
  }

  @Override
  public Path adminCredentialsFile() {
    return dataDir.resolve(AdminCredentials.FILE);
  }

  @Override
  public void routes(HttpRouting.Builder routing, ApiMetrics metrics) {
    routing.register(new DownloadService(payloads, metrics));
  }

  @Override
  public synchronized void start(MeterRegistry registry) {
    if (retention == null) {
      retention =
          new RetentionSweeper(
              new SqliteRetention(database),
              payloads,
              clock,
              settings.retention(),
              settings.retentionSweepInterval(),
              RETENTION_PAUSE,
              registry);
      retention.start();
    }
  }

  @Override
  public String describe() {
    return "data dir " + dataDir;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (retention != null) {
      retention.close();
    }
    identity.ifPresent(LocalIdentityProvider::close);
    database.close();
    dataDirectory.close();
  }
}
