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
import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.auth.TokenVerifier;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobHandlers;
import dev.qbi.core.usecase.CancelJob;
import dev.qbi.core.usecase.InProcessJobExecutor;
import dev.qbi.core.usecase.JobStatusQuery;
import dev.qbi.core.usecase.LeaseKeeper;
import dev.qbi.core.usecase.ListJobs;
import dev.qbi.core.usecase.ManageDeadLetters;
import dev.qbi.core.usecase.ProcessJob;
import dev.qbi.core.usecase.SubmitJob;
import dev.qbi.identity.ActiveUserVerifier;
import dev.qbi.identity.IdentitySettings;
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.api.AdminAccess;
import dev.qbi.runtime.local.api.AdminCredentials;
import dev.qbi.runtime.local.api.ApiDocsService;
import dev.qbi.runtime.local.api.ApiErrors;
import dev.qbi.runtime.local.api.ApiMetrics;
import dev.qbi.runtime.local.api.Authenticator;
import dev.qbi.runtime.local.api.DeadLetterAdminService;
import dev.qbi.runtime.local.api.DownloadService;
import dev.qbi.runtime.local.api.HttpMetricsFilter;
import dev.qbi.runtime.local.api.JobApiService;
import dev.qbi.runtime.local.api.ObservabilityService;
import dev.qbi.runtime.local.api.WorkerAdminService;
import dev.qbi.runtime.local.http.HttpListener;
import dev.qbi.runtime.local.identity.CognitoService;
import dev.qbi.runtime.local.tls.ServerCertificate;
import dev.qbi.runtime.local.tls.ServerTls;
import dev.qbi.runtime.local.web.Dashboard;
import dev.qbi.runtime.local.worker.IntakePressure;
import dev.qbi.runtime.local.worker.RetentionSweeper;
import dev.qbi.runtime.local.worker.WorkerPool;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime in one object: storage, identity, API, workers, the retention sweeper. {@link
 * #start} returns once the server listens; {@link #close} shuts down gracefully (stop accepting,
 * let workers finish or release their jobs, close the stores).
 */
public final class IngestionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestionServer.class);

  /** Between two batches of a retention pass: the writer is intake's meanwhile. */
  private static final Duration RETENTION_PAUSE = Duration.ofMillis(20);

  /** Helidon's limit on any request body is at least this (the Cognito protocol's bodies). */
  private static final int MIN_PAYLOAD_LIMIT = 64 * 1024;

  private final ServerSettings settings;
  private final DataDirectory dataDirectory;
  private final SqliteDatabase database;
  private final Optional<LocalIdentityProvider> identity;
  private final WorkerPool workers;
  private final LeaseKeeper leaseKeeper;
  private final RetentionSweeper retention;
  private final SqliteDeadLetters deadLetters;
  private final HttpListener web;
  private final SqliteJobQueue queue;
  private final ServerMetrics metrics;
  private final AdminAccess adminAccess;
  private final Dashboard dashboard;
  private final Path adminCredentialsFile;
  private final Optional<ServerCertificate> tls;
  private volatile boolean closed;

  private IngestionServer(ServerSettings requested, Clock clock) {
    // nothing is created on disk before the address is known to be free
    this.settings =
        requested.port() == 0
            ? requested.toBuilder().port(ListenerPort.free(requested.host())).build()
            : ListenerPort.requireFree(requested);
    // the PEM files of --tls-cert/--tls-key too (a self-signed certificate is made in the dir)
    Optional<ServerCertificate> givenCertificate = ServerTls.given(settings.tls(), clock);
    Path dataDir = settings.dataDir().toAbsolutePath().normalize();
    // what is open so far, closed again (newest first) should a later step fail
    List<AutoCloseable> opened = new ArrayList<>();
    try {
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
      identity = openIdentity(dataDir, clock);
      identity.ifPresent(opened::add);
      dataDirectory.recordOpened();
      tls =
          givenCertificate.or(
              () -> ServerTls.inDataDir(settings.tls(), settings.tlsHostNames(), dataDir, clock));
      queue = new SqliteJobQueue(database);
      SqliteJobTable table = new SqliteJobTable(database);
      SqliteJobIntake intake = new SqliteJobIntake(database, queue);
      deadLetters = new SqliteDeadLetters(database);

      UrlSigner signer =
          new UrlSigner(Secrets.loadOrCreate(dataDir.resolve("keys/url-signing.key"), 32), clock);
      adminCredentialsFile = dataDir.resolve(AdminCredentials.FILE);
      adminAccess = AdminAccess.sigV4(AdminCredentials.loadOrCreate(dataDir), clock);
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
        // the pool is in this process: a deleted or disabled user's tokens stop working at once
        verifier =
            new ActiveUserVerifier(
                JwtTokenVerifier.builder()
                    .issuer(idp.issuer())
                    .clientId(settings.clientId())
                    .jwkSource(idp.jwkSource())
                    .clock(clock)
                    .cacheTtl(settings.tokenCacheTtl())
                    .build(),
                idp);
      }

      JobHandler handler = JobHandlers.named(settings.jobHandler());
      dashboard = Dashboards.start(settings, clock, queue, deadLetters, adminAccess);
      opened.add(dashboard);
      ProcessJob processJob =
          new ProcessJob(
              table,
              new InProcessJobExecutor(dashboard.observe(handler), payloads),
              clock,
              new ProcessJob.RetryPolicy(
                  settings.maxReceiveCount(), settings.retryBaseDelay(), settings.retryMaxDelay()));

      metrics = new ServerMetrics(queue, deadLetters, clock);
      opened.add(metrics);
      PrometheusMeterRegistry registry = metrics.registry();
      retention =
          new RetentionSweeper(
              new SqliteRetention(database),
              payloads,
              clock,
              settings.retention(),
              settings.retentionSweepInterval(),
              RETENTION_PAUSE,
              registry);
      opened.add(retention);
      ApiMetrics apiMetrics = new ApiMetrics(registry);
      leaseKeeper =
          new LeaseKeeper(queue, table, settings.visibilityTimeout(), settings.jobTimeout());
      opened.add(leaseKeeper);
      IntakePressure intakePressure = new IntakePressure();
      workers =
          new WorkerPool(
              dashboard.observe(queue),
              processJob,
              leaseKeeper,
              settings.workers(),
              settings.batchSize(),
              settings.visibilityTimeout(),
              settings.shutdownGrace(),
              intakePressure,
              registry);

      JobApiService api =
          new JobApiService(
              new Authenticator(verifier),
              new SubmitJob(intake, clock, settings.maxBodyBytes()),
              new JobStatusQuery(table, payloads, settings.linkTtl()),
              new ListJobs(table),
              new CancelJob(table, clock),
              apiMetrics,
              intakePressure);
      HttpRouting.Builder routing = HttpRouting.builder();
      routing.addFilter(new HttpMetricsFilter(registry));
      ApiErrors.register(routing);
      routing.register(api);
      routing.register(new DownloadService(payloads, apiMetrics));
      routing.register(new ApiDocsService());
      dashboard.register(routing);
      routing.register(
          new ObservabilityService(
              registry, () -> !closed, queue::depth, deadLetters::depth, database::writeHealth));
      // one check for every operator action: the Cognito Admin* operations and the /admin routes
      routing.register(
          new DeadLetterAdminService(
              new ManageDeadLetters(table, deadLetters, clock), adminAccess));
      routing.register(new WorkerAdminService(workers, queue::depth, adminAccess));
      identity.ifPresent(idp -> routing.register(CognitoService.create(idp, adminAccess)));

      web =
          new HttpListener(
              settings.host(),
              settings.port(),
              routing,
              // room for JobApiService to read an oversized body and answer 413 in good order
              Math.max(
                  (long) JobApiService.DRAIN_FACTOR * settings.maxBodyBytes() + 1,
                  MIN_PAYLOAD_LIMIT),
              settings.http(),
              reservedDescriptors(settings),
              tls.map(ServerCertificate::sslContext));
      LOG.info(
          "handler '{}', {} workers, data dir {}", handler.name(), settings.workers(), dataDir);
    } catch (RuntimeException e) {
      closeAll(opened, e);
      throw e;
    }
  }

  private static void closeAll(List<AutoCloseable> opened, RuntimeException failure) {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
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

  /** Opens the stores, starts workers and the HTTP server. */
  public static IngestionServer start(ServerSettings settings) {
    return start(settings, Clock.systemUTC());
  }

  public static IngestionServer start(ServerSettings settings, Clock clock) {
    IngestionServer server = new IngestionServer(settings, clock);
    try {
      server.web.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    server.workers.start();
    server.retention.start();
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

  /**
   * The one check of operator authority (the Cognito {@code Admin*} actions, the {@code /admin}
   * routes): an AWS SigV4 signature with the key pair of {@link #adminCredentialsFile}.
   */
  public AdminAccess adminAccess() {
    return adminAccess;
  }

  /** {@code <data-dir>/admin-credentials}: the operator's key pair (AWS shared-credentials INI). */
  public Path adminCredentialsFile() {
    return adminCredentialsFile;
  }

  /** The certificate the server presents over HTTPS; empty for plain HTTP. */
  public Optional<ServerCertificate> tlsCertificate() {
    return tls;
  }

  /** The database (for operator tools and tests). */
  public SqliteDatabase database() {
    return database;
  }

  public SqliteJobQueue queue() {
    return queue;
  }

  /** The dead letters (for operator tools and tests). */
  public SqliteDeadLetters deadLetters() {
    return deadLetters;
  }

  /** The background deletion of jobs past retention. */
  public RetentionSweeper retention() {
    return retention;
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
    leaseKeeper.close();
    retention.close();
    metrics.close();
    dashboard.close();
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
}
