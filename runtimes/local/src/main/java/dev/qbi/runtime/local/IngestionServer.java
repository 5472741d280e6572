package dev.qbi.runtime.local;

import dev.qbi.adapters.local.files.FilePayloadStore;
import dev.qbi.adapters.local.files.Secrets;
import dev.qbi.adapters.local.files.UrlSigner;
import dev.qbi.adapters.local.sqlite.SqliteDatabase;
import dev.qbi.adapters.local.sqlite.SqliteJobIntake;
import dev.qbi.adapters.local.sqlite.SqliteJobQueue;
import dev.qbi.adapters.local.sqlite.SqliteJobTable;
import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.auth.TokenVerifier;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobHandlers;
import dev.qbi.core.usecase.InProcessJobExecutor;
import dev.qbi.core.usecase.JobStatusQuery;
import dev.qbi.core.usecase.ListJobs;
import dev.qbi.core.usecase.ProcessJob;
import dev.qbi.core.usecase.SubmitJob;
import dev.qbi.identity.IdentitySettings;
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.api.ApiErrors;
import dev.qbi.runtime.local.api.ApiMetrics;
import dev.qbi.runtime.local.api.Authenticator;
import dev.qbi.runtime.local.api.DownloadService;
import dev.qbi.runtime.local.api.JobApiService;
import dev.qbi.runtime.local.api.ObservabilityService;
import dev.qbi.runtime.local.http.HttpListener;
import dev.qbi.runtime.local.identity.CognitoService;
import dev.qbi.runtime.local.worker.WorkerPool;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime in one object: storage, identity, API, workers. {@link #start} returns once the
 * server listens; {@link #close} shuts down gracefully (stop accepting, let workers finish or
 * release their jobs, close the stores).
 */
public final class IngestionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestionServer.class);

  /** Helidon's limit on any request body is at least this (the Cognito protocol's bodies). */
  private static final int MIN_PAYLOAD_LIMIT = 64 * 1024;

  private final ServerSettings settings;
  private final DataDirectory dataDirectory;
  private final SqliteDatabase database;
  private final Optional<LocalIdentityProvider> identity;
  private final WorkerPool workers;
  private final HttpListener web;
  private final SqliteJobQueue queue;
  private volatile boolean closed;

  /**
   * @param dataDirectory the data dir, locked and checked (released by {@link #start} should this
   *     fail)
   */
  private IngestionServer(ServerSettings settings, DataDirectory dataDirectory, Clock clock) {
    this.settings = settings;
    this.dataDirectory = dataDirectory;
    Path dataDir = dataDirectory.dir();
    if (settings.externalIssuer().isEmpty()) {
      // checked before anything opens, so that a refusal is all the output there is
      SqliteDatabase.requireIntact(dataDir.resolve(DataDirectory.IDENTITY_DB));
    }
    database = SqliteDatabase.open(dataDir.resolve(DataDirectory.INGEST_DB), clock);
    try {
      identity = openIdentity(dataDir, clock);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    dataDirectory.recordOpened();
    queue = new SqliteJobQueue(database);
    SqliteJobTable table = new SqliteJobTable(database);
    SqliteJobIntake intake = new SqliteJobIntake(database, queue);

    UrlSigner signer =
        new UrlSigner(Secrets.loadOrCreate(dataDir.resolve("keys/url-signing.key"), 32), clock);
    FilePayloadStore payloads =
        new FilePayloadStore(
            dataDir.resolve("payloads"), settings.baseUrl(), signer, settings.syncOutputs());

    TokenVerifier verifier;
    if (identity.isEmpty()) {
      String issuer = settings.externalIssuer().orElseThrow();
      verifier =
          JwtTokenVerifier.builder()
              .issuer(issuer)
              .clientId(settings.clientId())
              .jwksUri(URI.create(issuer + "/.well-known/jwks.json"))
              .clock(clock)
              .cacheTtl(settings.tokenCacheTtl())
              .build();
    } else {
      LocalIdentityProvider idp = identity.get();
      verifier =
          JwtTokenVerifier.builder()
              .issuer(idp.issuer())
              .clientId(settings.clientId())
              .jwkSource(idp.jwkSource())
              .clock(clock)
              .cacheTtl(settings.tokenCacheTtl())
              .build();
    }

    JobHandler handler = JobHandlers.named(settings.jobHandler());
    ProcessJob processJob =
        new ProcessJob(
            table,
            new InProcessJobExecutor(handler, payloads),
            clock,
            new ProcessJob.RetryPolicy(
                settings.maxReceiveCount(), settings.retryBaseDelay(), settings.retryMaxDelay()));

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder("ingest.queue.depth", queue, SqliteJobQueue::depth)
        .description("Messages waiting or in flight")
        .register(registry);
    ApiMetrics apiMetrics = new ApiMetrics(registry);
    workers =
        new WorkerPool(
            queue,
            processJob,
            settings.workers(),
            settings.batchSize(),
            settings.visibilityTimeout(),
            settings.shutdownGrace(),
            registry);

    JobApiService api =
        new JobApiService(
            new Authenticator(verifier),
            new SubmitJob(intake, clock, settings.maxBodyBytes()),
            new JobStatusQuery(table, payloads, settings.linkTtl()),
            new ListJobs(table),
            apiMetrics);
    HttpRouting.Builder routing = HttpRouting.builder();
    ApiErrors.register(routing);
    routing.register(api);
    routing.register(new DownloadService(payloads, apiMetrics));
    routing.register(
        new ObservabilityService(registry, () -> !closed, queue::depth, database::writeHealth));
    identity.ifPresent(idp -> routing.register(CognitoService.create(idp)));

    web =
        new HttpListener(
            settings.host(),
            settings.port(),
            routing,
            Math.max(settings.maxBodyBytes(), MIN_PAYLOAD_LIMIT),
            settings.http(),
            reservedDescriptors(settings));
    LOG.info("handler '{}', {} workers, data dir {}", handler.name(), settings.workers(), dataDir);
  }

  /** The local identity provider, unless tokens come from an external issuer. */
  private Optional<LocalIdentityProvider> openIdentity(Path dataDir, Clock clock) {
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

  /**
   * Locks and checks the data dir ({@link DataDirectory}), opens the stores, starts workers and the
   * HTTP server.
   */
  public static IngestionServer start(ServerSettings settings) {
    return start(settings, Clock.systemUTC());
  }

  public static IngestionServer start(ServerSettings requested, Clock clock) {
    ServerSettings settings =
        requested.port() == 0
            ? requested.toBuilder().port(freePort(requested.host())).build()
            : requested;
    // first of all: the lock (a second server is refused before it creates anything)
    DataDirectory dataDirectory =
        DataDirectory.open(settings.dataDir().toAbsolutePath().normalize());
    IngestionServer server;
    try {
      server = new IngestionServer(settings, dataDirectory, clock);
    } catch (RuntimeException e) {
      dataDirectory.close();
      throw e;
    }
    try {
      server.web.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    server.workers.start();
    LOG.info("listening on {}", server.baseUrl());
    return server;
  }

  public ServerSettings settings() {
    return settings;
  }

  public URI baseUrl() {
    return settings.baseUrl();
  }

  public int port() {
    return web.port();
  }

  public String issuer() {
    return identity
        .map(LocalIdentityProvider::issuer)
        .orElseGet(() -> settings.externalIssuer().orElseThrow());
  }

  public Optional<LocalIdentityProvider> identityProvider() {
    return identity;
  }

  /** The database (for operator tools and tests). */
  public SqliteDatabase database() {
    return database;
  }

  public SqliteJobQueue queue() {
    return queue;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("shutting down: no new requests; finishing in-flight jobs");
    web.close();
    workers.close();
    identity.ifPresent(LocalIdentityProvider::close);
    database.close();
    dataDirectory.close();
    LOG.info("stopped");
  }

  /**
   * Descriptors kept for everything but connections: the JVM, both databases' connections, and the
   * outputs written by the jobs running at once.
   */
  private static int reservedDescriptors(ServerSettings s) {
    return 64 + 2 * s.workers() * s.batchSize();
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + host, e);
    }
  }
}
