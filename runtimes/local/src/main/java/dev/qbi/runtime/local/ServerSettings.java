package dev.qbi.runtime.local;

import dev.qbi.core.Defaults;
import dev.qbi.runtime.local.http.HttpLimits;
import dev.qbi.runtime.local.tls.TlsOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the local runtime is configured with. Only the entry point ({@link ServeCommand})
 * reads flags and environment variables; tests build this record directly.
 *
 * @param publicUrl base of download links and of the local token issuer; empty = {@code
 *     http://host:port} ({@code https://} with TLS)
 * @param syncOutputs fsync every output file before the job is marked complete (survives power
 *     loss); off, outputs survive a crash of the process but not of the machine
 * @param externalIssuer trust this issuer (e.g. a Cognito user pool URL) instead of running the
 *     local identity provider
 * @param jobTimeout how long a job's handler may run in one attempt before it is interrupted and
 *     the attempt fails
 * @param retention finished jobs and their outputs are deleted this long after their last update
 *     (jobs with a dead letter are kept)
 * @param retentionSweepInterval how often the retention sweeper looks for jobs to delete
 * @param http the HTTP listener's connection cap and timeouts
 * @param role what this instance runs: the HTTP API, the workers, or both
 * @param aws present for {@code --backend aws}: queue, table and bucket on SQS, DynamoDB and S3
 *     instead of SQLite and files in the data dir
 * @param tls plain HTTP (the default), or HTTPS with given PEM files or a self-signed certificate
 */
public record ServerSettings(
    String host,
    int port,
    Optional<URI> publicUrl,
    Path dataDir,
    int workers,
    int batchSize,
    int maxBodyBytes,
    Duration linkTtl,
    Duration visibilityTimeout,
    Duration jobTimeout,
    int maxReceiveCount,
    Duration retryBaseDelay,
    Duration retryMaxDelay,
    Duration shutdownGrace,
    String jobHandler,
    String poolId,
    String clientId,
    Optional<String> externalIssuer,
    int passwordIterations,
    Duration tokenCacheTtl,
    boolean syncOutputs,
    Duration retention,
    Duration retentionSweepInterval,
    HttpLimits http,
    Role role,
    Optional<AwsBackendSettings> aws,
    TlsOptions tls) {

  /** What one instance runs; API-only and worker-only instances share an AWS backend. */
  public enum Role {
    /** The HTTP API and the workers. */
    BOTH,
    /** Intake, status, list, cancel, download links and the admin routes; no workers. */
    API,
    /** Queue receivers and the lease keeper; of HTTP only {@code /health} and {@code /metrics}. */
    WORKERS;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean runsApi() {
      return this != WORKERS;
    }

    public boolean runsWorkers() {
      return this != API;
    }
  }

  public static final String DEFAULT_POOL_ID = "local_ingestion";
  public static final String DEFAULT_CLIENT_ID = "ingestion-local-client";

  public ServerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(aws, "aws");
    if (aws.isPresent() && externalIssuer.isEmpty()) {
      throw new IllegalArgumentException(
          "--backend aws needs --issuer (env INGEST_ISSUER): tokens come from a Cognito user pool"
              + " (or ./ingest aws-local's identity provider); the local one is off");
    }
    if (aws.isEmpty() && role != Role.BOTH) {
      throw new IllegalArgumentException(
          "--role " + role.wireName() + " needs --backend aws (a local data dir has one server)");
    }
    Objects.requireNonNull(tls, "tls");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1");
    }
    if (maxReceiveCount < 1) {
      throw new IllegalArgumentException("max receive count must be >= 1");
    }
    requirePositive(visibilityTimeout, "visibility timeout");
    requirePositive(jobTimeout, "job timeout");
    if (retention == null || retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be a positive duration, e.g. P30D");
    }
    if (retentionSweepInterval == null
        || retentionSweepInterval.isNegative()
        || retentionSweepInterval.isZero()) {
      throw new IllegalArgumentException("the retention sweep interval must be positive");
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** A builder holding the defaults of docs/architecture.md. */
  public static Builder builder(Path dataDir) {
    return new Builder().dataDir(dataDir);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.publicUrl = publicUrl;
    b.dataDir = dataDir;
    b.workers = workers;
    b.batchSize = batchSize;
    b.maxBodyBytes = maxBodyBytes;
    b.linkTtl = linkTtl;
    b.visibilityTimeout = visibilityTimeout;
    b.jobTimeout = jobTimeout;
    b.maxReceiveCount = maxReceiveCount;
    b.retryBaseDelay = retryBaseDelay;
    b.retryMaxDelay = retryMaxDelay;
    b.shutdownGrace = shutdownGrace;
    b.jobHandler = jobHandler;
    b.poolId = poolId;
    b.clientId = clientId;
    b.externalIssuer = externalIssuer;
    b.passwordIterations = passwordIterations;
    b.tokenCacheTtl = tokenCacheTtl;
    b.syncOutputs = syncOutputs;
    b.retention = retention;
    b.retentionSweepInterval = retentionSweepInterval;
    b.http = http;
    b.role = role;
    b.aws = aws;
    b.tls = tls;
    return b;
  }

  /** Fluent construction; every field starts at its default. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private Optional<URI> publicUrl = Optional.empty();
    private Path dataDir = null;
    private int workers = Runtime.getRuntime().availableProcessors();
    private int batchSize = 10;
    private int maxBodyBytes = Defaults.MAX_BODY_BYTES;
    private Duration linkTtl = Defaults.LINK_TTL;
    private Duration visibilityTimeout = Defaults.VISIBILITY_TIMEOUT;
    private Duration jobTimeout = Defaults.JOB_TIMEOUT;
    private int maxReceiveCount = Defaults.MAX_RECEIVE_COUNT;
    private Duration retryBaseDelay = Defaults.RETRY_BASE_DELAY;
    private Duration retryMaxDelay = Defaults.RETRY_MAX_DELAY;
    private Duration shutdownGrace = Duration.ofSeconds(20);
    private String jobHandler = Defaults.JOB_HANDLER;
    private String poolId = DEFAULT_POOL_ID;
    private String clientId = DEFAULT_CLIENT_ID;
    private Optional<String> externalIssuer = Optional.empty();
    private int passwordIterations = 210_000;
    private Duration tokenCacheTtl = Duration.ofSeconds(60);
    private boolean syncOutputs = false;
    private Duration retention = Defaults.RETENTION;
    private Duration retentionSweepInterval = Duration.ofMinutes(1);
    private HttpLimits http = HttpLimits.DEFAULTS;
    private Role role = Role.BOTH;
    private Optional<AwsBackendSettings> aws = Optional.empty();
    private TlsOptions tls = TlsOptions.OFF;

    private Builder() {}

    public Builder host(String value) {
      this.host = value;
      return this;
    }

    public Builder port(int value) {
      this.port = value;
      return this;
    }

    public Builder publicUrl(Optional<URI> value) {
      this.publicUrl = value;
      return this;
    }

    public Builder dataDir(Path value) {
      this.dataDir = value;
      return this;
    }

    public Builder workers(int value) {
      this.workers = value;
      return this;
    }

    public Builder batchSize(int value) {
      this.batchSize = value;
      return this;
    }

    public Builder maxBodyBytes(int value) {
      this.maxBodyBytes = value;
      return this;
    }

    public Builder linkTtl(Duration value) {
      this.linkTtl = value;
      return this;
    }

    public Builder visibilityTimeout(Duration value) {
      this.visibilityTimeout = value;
      return this;
    }

    public Builder jobTimeout(Duration value) {
      this.jobTimeout = value;
      return this;
    }

    public Builder maxReceiveCount(int value) {
      this.maxReceiveCount = value;
      return this;
    }

    public Builder retryBaseDelay(Duration value) {
      this.retryBaseDelay = value;
      return this;
    }

    public Builder retryMaxDelay(Duration value) {
      this.retryMaxDelay = value;
      return this;
    }

    public Builder shutdownGrace(Duration value) {
      this.shutdownGrace = value;
      return this;
    }

    public Builder jobHandler(String value) {
      this.jobHandler = value;
      return this;
    }

    public Builder poolId(String value) {
      this.poolId = value;
      return this;
    }

    public Builder clientId(String value) {
      this.clientId = value;
      return this;
    }

    public Builder externalIssuer(Optional<String> value) {
      this.externalIssuer = value;
      return this;
    }

    public Builder passwordIterations(int value) {
      this.passwordIterations = value;
      return this;
    }

    public Builder tokenCacheTtl(Duration value) {
      this.tokenCacheTtl = value;
      return this;
    }

    public Builder syncOutputs(boolean value) {
      this.syncOutputs = value;
      return this;
    }

    public Builder retention(Duration value) {
      this.retention = value;
      return this;
    }

    public Builder retentionSweepInterval(Duration value) {
      this.retentionSweepInterval = value;
      return this;
    }

    public Builder http(HttpLimits value) {
      this.http = value;
      return this;
    }

    public Builder role(Role value) {
      this.role = value;
      return this;
    }

    /** {@code --backend aws} with these resources; empty = the local backend. */
    public Builder aws(Optional<AwsBackendSettings> value) {
      this.aws = value;
      return this;
    }

    public Builder tls(TlsOptions value) {
      this.tls = value;
      return this;
    }

    public ServerSettings build() {
      return new ServerSettings(
          host,
          port,
          publicUrl,
          dataDir,
          workers,
          batchSize,
          maxBodyBytes,
          linkTtl,
          visibilityTimeout,
          jobTimeout,
          maxReceiveCount,
          retryBaseDelay,
          retryMaxDelay,
          shutdownGrace,
          jobHandler,
          poolId,
          clientId,
          externalIssuer,
          passwordIterations,
          tokenCacheTtl,
          syncOutputs,
          retention,
          retentionSweepInterval,
          http,
          role,
          aws,
          tls);
    }
  }

  /**
   * The base URL clients use: {@code --public-url}, or {@code http://host:port} ({@code https://}
   * with TLS).
   */
  public URI baseUrl() {
    return publicUrl.orElseGet(
        () -> URI.create((tls.enabled() ? "https" : "http") + "://" + hostForUrl() + ":" + port));
  }

  /**
   * What a self-signed certificate must cover: {@code localhost}, {@code 127.0.0.1}, {@code ::1},
   * the host bound (unless it is a wildcard address), the host of {@code --public-url}, and the
   * extra names of the TLS options.
   */
  public Set<String> tlsHostNames() {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    if (!host.equals("0.0.0.0") && !host.equals("::") && !host.isBlank()) {
      names.add(host);
    }
    publicUrl
        .map(URI::getHost)
        .map(h -> h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h)
        .ifPresent(names::add);
    names.addAll(tls.extraHostNames());
    return names;
  }

  private String hostForUrl() {
    if (host.equals("0.0.0.0") || host.equals("::")) {
      return "127.0.0.1";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** The local identity provider's issuer: {@code <base url>/<pool id>}. */
  public String localIssuer() {
    String base = baseUrl().toString();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/" + poolId;
  }
}
