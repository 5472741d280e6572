package dev.qbi.runtime.local;

import dev.qbi.adapters.local.sqlite.SqliteDatabase;
import dev.qbi.adapters.local.sqlite.SqliteDeadLetters;
import dev.qbi.adapters.local.sqlite.SqliteJobQueue;
import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.auth.TokenVerifier;
import dev.qbi.core.port.JobExecutor;
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
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.api.AdminAccess;
import dev.qbi.runtime.local.api.AdminCredentials;
import dev.qbi.runtime.local.api.ApiDocsService;
import dev.qbi.runtime.local.api.ApiErrors;
import dev.qbi.runtime.local.api.ApiMetrics;
import dev.qbi.runtime.local.api.Authenticator;
import dev.qbi.runtime.local.api.DeadLetterAdminService;
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
import dev.qbi.runtime.local.worker.MeteredLeases;
import dev.qbi.runtime.local.worker.RetentionSweeper;
import dev.qbi.runtime.local.worker.WorkerPool;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server in one object: a {@link Backend} (where jobs are kept: {@link LocalBackend} or {@link
 * AwsBackend}), the token check, the HTTP API and the workers, as the {@linkplain
 * ServerSettings.Role role} asks. {@link #start} returns once the server listens; {@link #close}
 * shuts down gracefully (stop accepting, let workers finish or release their jobs, close the
 * backend).
 */
public final class IngestionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestionServer.class);

  /** Helidon's limit on any request body is at least this (the Cognito protocol's bodies). */
  private static final int MIN_PAYLOAD_LIMIT = 64 * 1024;

  private final ServerSettings settings;
  private final Backend backend;
  private final Optional<WorkerPool> workers;
  private final Optional<LeaseKeeper> leaseKeeper;
  private final HttpListener web;
  private final ServerMetrics metrics;
  private final AdminAccess adminAccess;
  private final Dashboard dashboard;
  private final IntakePressure intakePressure = new IntakePressure();
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
    // what is open so far, closed again (newest first) should a later step fail
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      backend =
          settings.aws().isPresent()
              ? AwsBackend.open(settings, clock)
              : LocalBackend.open(settings, clock);
      opened.add(backend);
      Path dataDir = settings.dataDir().toAbsolutePath().normalize();
      tls =
          givenCertificate.or(
              () -> ServerTls.inDataDir(settings.tls(), settings.tlsHostNames(), dataDir, clock));
      adminAccess =
          AdminAccess.sigV4(
              AdminCredentials.loadOrCreate(backend.adminCredentialsFile().getParent()), clock);
      TokenVerifier verifier = verifier(clock);

      JobHandler handler = JobHandlers.named(settings.jobHandler());
      dashboard =
          Dashboards.start(
              settings,
              clock,
              () -> backend.queue().depth(),
              () -> backend.deadLetters().depth(),
              adminAccess);
      opened.add(dashboard);
      metrics = new ServerMetrics(backend, clock);
      opened.add(metrics);
      PrometheusMeterRegistry registry = metrics.registry();
      Counter handlerRuns =
          Counter.builder(ServerMetrics.HANDLER_RUNS)
              .description("Runs of the job handler (a job run twice counts twice)")
              .register(registry);
      Counter reruns =
          Counter.builder(ServerMetrics.HANDLER_RERUNS)
              .description(
                  "Runs of the job handler on a message delivered again (a retry, or a lease"
                      + " that ended before its job did)")
              .register(registry);
      JobExecutor executor =
          new InProcessJobExecutor(dashboard.observe(handler), backend.payloads());
      ProcessJob processJob =
          new ProcessJob(
              backend.table(),
              request -> {
                handlerRuns.increment();
                if (request.attempt() > 1) {
                  reruns.increment();
                }
                return executor.execute(request);
              },
              clock,
              new ProcessJob.RetryPolicy(
                  settings.maxReceiveCount(), settings.retryBaseDelay(), settings.retryMaxDelay()));
      if (settings.role().runsWorkers()) {
        LeaseKeeper keeper =
            new LeaseKeeper(
                new MeteredLeases(backend.queue(), registry),
                backend.table(),
                settings.visibilityTimeout(),
                settings.jobTimeout());
        opened.add(keeper);
        leaseKeeper = Optional.of(keeper);
        workers =
            Optional.of(
                new WorkerPool(
                    dashboard.observe(backend.queue()),
                    processJob,
                    keeper,
                    settings.workers(),
                    settings.batchSize(),
                    settings.visibilityTimeout(),
                    settings.shutdownGrace(),
                    intakePressure,
                    registry));
      } else {
        leaseKeeper = Optional.empty();
        workers = Optional.empty();
      }

      HttpRouting.Builder routing = HttpRouting.builder();
      routing.addFilter(new HttpMetricsFilter(registry));
      ApiErrors.register(routing);
      if (settings.role().runsApi()) {
        apiRoutes(routing, verifier, registry, clock);
      }
      workers.ifPresent(
          pool ->
              routing.register(
                  new WorkerAdminService(pool, () -> backend.queue().depth(), adminAccess)));
      routing.register(
          new ObservabilityService(
              registry,
              () -> !closed,
              () -> backend.queue().depth(),
              () -> backend.deadLetters().depth(),
              backend::health));

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
          "role {}, handler '{}', {} workers, {}",
          settings.role().wireName(),
          handler.name(),
          workers.isPresent() ? settings.workers() : 0,
          backend.describe());
    } catch (RuntimeException e) {
      closeAll(opened, e);
      throw e;
    }
  }

  /** Intake, status, list, cancel, the docs, the admin routes and the user pool (if local). */
  private void apiRoutes(
      HttpRouting.Builder routing,
      TokenVerifier verifier,
      PrometheusMeterRegistry registry,
      Clock clock) {
    ApiMetrics apiMetrics = new ApiMetrics(registry);
    routing.register(
        new JobApiService(
            new Authenticator(verifier),
            new SubmitJob(backend.intake(), clock, settings.maxBodyBytes()),
            new JobStatusQuery(backend.table(), backend.payloads(), settings.linkTtl()),
            new ListJobs(backend.table()),
            new CancelJob(backend.table(), clock),
            apiMetrics,
            intakePressure));
    backend.routes(routing, apiMetrics);
    routing.register(new ApiDocsService());
    dashboard.register(routing);
    // one check for every operator action: the Cognito Admin* operations and the /admin routes
    routing.register(
        new DeadLetterAdminService(
            new ManageDeadLetters(backend.table(), backend.deadLetters(), clock), adminAccess));
    backend.identity().ifPresent(idp -> routing.register(CognitoService.create(idp, adminAccess)));
  }

  /** Tokens of the local identity provider, or of the external issuer's JWKS. */
  private TokenVerifier verifier(Clock clock) {
    if (backend.identity().isEmpty()) {
      String issuer = settings.externalIssuer().orElseThrow();
      return JwtTokenVerifier.builder()
          .issuer(issuer)
          .clientId(settings.clientId())
          .jwksUri(URI.create(issuer + "/.well-known/jwks.json"))
          .clock(clock)
          .cacheTtl(settings.tokenCacheTtl())
          .build();
    }
    LocalIdentityProvider idp = backend.identity().get();
    // the pool is in this process: a deleted or disabled user's tokens stop working at once
    return new ActiveUserVerifier(
        JwtTokenVerifier.builder()
            .issuer(idp.issuer())
            .clientId(settings.clientId())
            .jwkSource(idp.jwkSource())
            .clock(clock)
            .cacheTtl(settings.tokenCacheTtl())
            .build(),
        idp);
  }

  static void closeAll(List<AutoCloseable> opened, RuntimeException failure) {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
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
    server.workers.ifPresent(WorkerPool::start);
    server.backend.start(server.metrics.registry());
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
    return backend
        .identity()
        .map(LocalIdentityProvider::issuer)
        .orElseGet(() -> settings.externalIssuer().orElseThrow());
  }

  public Optional<LocalIdentityProvider> identityProvider() {
    return backend.identity();
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
    return backend.adminCredentialsFile();
  }

  /** The certificate the server presents over HTTPS; empty for plain HTTP. */
  public Optional<ServerCertificate> tlsCertificate() {
    return tls;
  }

  /** The local backend's database (for operator tools and tests). */
  public SqliteDatabase database() {
    return local().database();
  }

  /** The local backend's queue (for tests). */
  public SqliteJobQueue queue() {
    return local().queue();
  }

  /** The local backend's dead letters (for operator tools and tests). */
  public SqliteDeadLetters deadLetters() {
    return local().deadLetters();
  }

  /** The local backend's background deletion of jobs past retention. */
  public RetentionSweeper retention() {
    return local().retention();
  }

  private LocalBackend local() {
    if (backend instanceof LocalBackend local) {
      return local;
    }
    throw new IllegalStateException("not a local backend: " + backend.describe());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("shutting down: no new requests; finishing in-flight jobs");
    web.close();
    workers.ifPresent(WorkerPool::close);
    leaseKeeper.ifPresent(LeaseKeeper::close);
    metrics.close();
    dashboard.close();
    backend.close();
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
