package dev.qbi.runtime.local;

import dev.qbi.core.Defaults;
import dev.qbi.runtime.local.http.HttpLimits;
import dev.qbi.runtime.local.tls.TlsOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingest serve}: the whole local stack in this JVM. Durations take {@code 500ms}, {@code
 * 30s}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT1H}): see {@link
 * dev.qbi.runtime.local.cli.DurationConverter}.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Run the server: HTTP API and workers, on the local stack (SQLite, files, identity"
            + " provider) or with --backend aws on SQS, DynamoDB and S3.",
    showDefaultValues = true)
public final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--host",
      defaultValue = "${env:INGEST_HOST:-127.0.0.1}",
      description = "Address to bind (env INGEST_HOST). Loopback by default.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "${env:INGEST_PORT:-8080}",
      description = "Port to listen on; 0 picks a free one (env INGEST_PORT).")
  int port;

  @Option(
      names = "--public-url",
      defaultValue = "${env:INGEST_PUBLIC_URL}",
      description =
          "Base URL clients reach the server at, used for download links and the "
              + "token issuer; default http://HOST:PORT, https:// with TLS (env INGEST_PUBLIC_URL).")
  String publicUrl;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:INGEST_DATA_DIR:-./data}",
      description =
          "Where the database, outputs and keys live; with --backend aws only the admin"
              + " credentials (env INGEST_DATA_DIR).")
  Path dataDir;

  @Option(
      names = "--workers",
      defaultValue = "${env:INGEST_WORKERS:-0}",
      description = "Queue receivers; 0 = number of CPUs (env INGEST_WORKERS).")
  int workers;

  @Option(
      names = "--batch-size",
      defaultValue = "${env:INGEST_BATCH_SIZE:-10}",
      description = "Messages each receiver leases at once (env INGEST_BATCH_SIZE).")
  int batchSize;

  @Option(
      names = "--max-body-bytes",
      defaultValue = "${env:INGEST_MAX_BODY_BYTES:-" + Defaults.MAX_BODY_BYTES + "}",
      description = "Largest accepted job request body (env INGEST_MAX_BODY_BYTES).")
  int maxBodyBytes;

  @Option(
      names = "--link-ttl",
      defaultValue = "${env:INGEST_LINK_TTL:-" + Defaults.LINK_TTL_TEXT + "}",
      description =
          "Lifetime of download links, e.g. 1h, 30m or ISO-8601 PT1H (env INGEST_LINK_TTL).")
  Duration linkTtl;

  @Option(
      names = "--visibility-timeout",
      defaultValue = "${env:INGEST_VISIBILITY_TIMEOUT:-" + Defaults.VISIBILITY_TIMEOUT_TEXT + "}",
      description =
          "Lease on a received message before it is delivered again, e.g. 30s "
              + "(env INGEST_VISIBILITY_TIMEOUT).")
  Duration visibilityTimeout;

  @Option(
      names = "--job-timeout",
      defaultValue = "${env:INGEST_JOB_TIMEOUT:-" + Defaults.JOB_TIMEOUT_TEXT + "}",
      description =
          "How long a job's handler may run in one attempt before it is interrupted and the"
              + " attempt fails, ISO-8601 duration (env INGEST_JOB_TIMEOUT).")
  Duration jobTimeout;

  @Option(
      names = "--max-receive-count",
      defaultValue = "${env:INGEST_MAX_RECEIVE_COUNT:-" + Defaults.MAX_RECEIVE_COUNT + "}",
      description =
          "Deliveries before a job fails and its message is dead-lettered "
              + "(env INGEST_MAX_RECEIVE_COUNT).")
  int maxReceiveCount;

  @Option(
      names = "--retry-delay",
      defaultValue = "${env:INGEST_RETRY_DELAY:-" + Defaults.RETRY_BASE_DELAY_TEXT + "}",
      description =
          "First retry delay after a failed attempt, doubled per attempt, e.g. 1s or 500ms "
              + "(env INGEST_RETRY_DELAY).")
  Duration retryDelay;

  @Option(
      names = "--retention",
      defaultValue = "${env:INGEST_RETENTION:-" + Defaults.RETENTION_TEXT + "}",
      description =
          "Finished jobs and their outputs are deleted this long after their last update, "
              + "ISO-8601 duration; jobs with a dead letter are kept (env INGEST_RETENTION).")
  Duration retention;

  @Option(
      names = "--job-handler",
      defaultValue = "${env:INGEST_JOB_HANDLER:-" + Defaults.JOB_HANDLER + "}",
      description = "Business logic to run, by name (env INGEST_JOB_HANDLER).")
  String jobHandler;

  @Option(
      names = "--pool-id",
      defaultValue = "${env:INGEST_POOL_ID:-local_ingestion}",
      description = "User pool id of the local identity provider (env INGEST_POOL_ID).")
  String poolId;

  @Option(
      names = "--client-id",
      defaultValue = "${env:INGEST_CLIENT_ID:-ingestion-local-client}",
      description = "App client id tokens must be issued for (env INGEST_CLIENT_ID).")
  String clientId;

  @Option(
      names = "--issuer",
      defaultValue = "${env:INGEST_ISSUER}",
      description =
          "Trust this external issuer (e.g. https://cognito-idp.REGION.amazonaws.com/"
              + "POOL) instead of running the local identity provider (env INGEST_ISSUER).")
  String issuer;

  @Option(
      names = "--sync-outputs",
      defaultValue = "${env:INGEST_SYNC_OUTPUTS:-false}",
      description =
          "fsync each job output before marking the job complete, so outputs survive power loss,"
              + " at a cost in throughput (env INGEST_SYNC_OUTPUTS).")
  boolean syncOutputs;

  @Option(
      names = "--max-connections",
      defaultValue = "${env:INGEST_MAX_CONNECTIONS:-0}",
      description =
          "Open connections at most; beyond it new ones get 503 and are closed. 0 = derived from"
              + " the file descriptor limit, up to "
              + HttpLimits.DEFAULT_MAX_CONNECTIONS
              + " (env INGEST_MAX_CONNECTIONS).")
  int maxConnections;

  @Option(
      names = "--idle-timeout",
      defaultValue = "${env:INGEST_IDLE_TIMEOUT:-" + HttpLimits.IDLE_TIMEOUT_TEXT + "}",
      description =
          "Close a connection that sends nothing for this long, between or within requests"
              + " (env INGEST_IDLE_TIMEOUT).")
  Duration idleTimeout;

  @Option(
      names = "--header-timeout",
      defaultValue = "${env:INGEST_HEADER_TIMEOUT:-" + HttpLimits.HEADER_TIMEOUT_TEXT + "}",
      description =
          "Close a connection whose request line and headers take longer than this to arrive"
              + " (env INGEST_HEADER_TIMEOUT).")
  Duration headerTimeout;

  /** Where jobs are kept. */
  enum BackendType {
    LOCAL,
    AWS
  }

  @Option(
      names = "--backend",
      defaultValue = "${env:INGEST_BACKEND:-local}",
      description =
          "local (SQLite and files in the data dir) or aws (SQS, DynamoDB, S3; many instances)"
              + " (env INGEST_BACKEND).")
  BackendType backend;

  @Option(
      names = "--role",
      defaultValue = "${env:INGEST_ROLE:-both}",
      description =
          "both, api (HTTP API, no workers) or workers (queue receivers; of HTTP only /health"
              + " and /metrics); api and workers need --backend aws (env INGEST_ROLE).")
  ServerSettings.Role role;

  @Option(
      names = "--queue-url",
      defaultValue = "${env:INGEST_QUEUE_URL}",
      description = "--backend aws: the SQS job queue's URL (env INGEST_QUEUE_URL).")
  String queueUrl;

  @Option(
      names = "--dead-letter-queue-url",
      defaultValue = "${env:INGEST_DEAD_LETTER_QUEUE_URL}",
      description =
          "--backend aws: the SQS dead-letter queue's URL (env INGEST_DEAD_LETTER_QUEUE_URL).")
  String deadLetterQueueUrl;

  @Option(
      names = "--table",
      defaultValue = "${env:INGEST_TABLE}",
      description = "--backend aws: the DynamoDB job table (env INGEST_TABLE).")
  String table;

  @Option(
      names = "--bucket",
      defaultValue = "${env:INGEST_BUCKET}",
      description = "--backend aws: the S3 bucket of job outputs (env INGEST_BUCKET).")
  String bucket;

  @Option(
      names = "--sqs-endpoint",
      defaultValue = "${env:INGEST_SQS_ENDPOINT}",
      description =
          "--backend aws: SQS endpoint override, e.g. an emulator (env INGEST_SQS_ENDPOINT).")
  URI sqsEndpoint;

  @Option(
      names = "--dynamodb-endpoint",
      defaultValue = "${env:INGEST_DYNAMODB_ENDPOINT}",
      description = "--backend aws: DynamoDB endpoint override (env INGEST_DYNAMODB_ENDPOINT).")
  URI dynamoDbEndpoint;

  @Option(
      names = "--s3-endpoint",
      defaultValue = "${env:INGEST_S3_ENDPOINT}",
      description =
          "--backend aws: S3 endpoint override (an emulator or S3-compatible store; path-style"
              + " addressing) (env INGEST_S3_ENDPOINT).")
  URI s3Endpoint;

  @Option(
      names = "--tls",
      paramLabel = "self-signed",
      defaultValue = "${env:INGEST_TLS}",
      description =
          "HTTPS with a certificate the server makes for itself (once, then reused) in"
              + " DATA_DIR/tls/cert.pem, for localhost, 127.0.0.1, ::1, --host and"
              + " --tls-host-name; clients trust that file (env INGEST_TLS).")
  String tls;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      defaultValue = "${env:INGEST_TLS_CERT}",
      description =
          "HTTPS with this PEM certificate chain, the server's own certificate first; needs"
              + " --tls-key (env INGEST_TLS_CERT).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      defaultValue = "${env:INGEST_TLS_KEY}",
      description =
          "The private key of --tls-cert: unencrypted PKCS#8 PEM, RSA or EC (env"
              + " INGEST_TLS_KEY).")
  Path tlsKey;

  @Option(
      names = "--tls-host-name",
      paramLabel = "NAME",
      split = ",",
      defaultValue = "${env:INGEST_TLS_HOST_NAMES}",
      description =
          "More host names or IP addresses for the --tls self-signed certificate; repeat it or"
              + " separate with commas (env INGEST_TLS_HOST_NAMES).")
  List<String> tlsHostNames;

  @Option(
      names = "--log-format",
      defaultValue = "${env:INGEST_LOG_FORMAT:-text}",
      description = "text or json (env INGEST_LOG_FORMAT).")
  String logFormat;

  @Override
  public Integer call() throws InterruptedException {
    Logging.configure(logFormat);
    TlsOptions tlsOptions = TlsOptions.fromCommandLine(tls, tlsCert, tlsKey, tlsHostNames);
    ServerSettings.Builder b =
        ServerSettings.builder(dataDir)
            .host(host)
            .port(port)
            .publicUrl(Optional.ofNullable(publicUrl).filter(s -> !s.isBlank()).map(URI::create))
            .batchSize(batchSize)
            .maxBodyBytes(maxBodyBytes)
            .linkTtl(linkTtl)
            .visibilityTimeout(visibilityTimeout)
            .jobTimeout(jobTimeout)
            .maxReceiveCount(maxReceiveCount)
            .retryBaseDelay(retryDelay)
            .jobHandler(jobHandler)
            .poolId(poolId)
            .clientId(clientId)
            .externalIssuer(Optional.ofNullable(issuer).filter(s -> !s.isBlank()))
            .syncOutputs(syncOutputs)
            .retention(retention)
            .http(new HttpLimits(maxConnections, idleTimeout, headerTimeout))
            .role(role)
            .aws(
                backend == BackendType.AWS
                    ? Optional.of(
                        new AwsBackendSettings(
                            queueUrl,
                            deadLetterQueueUrl,
                            table,
                            bucket,
                            Optional.ofNullable(sqsEndpoint),
                            Optional.ofNullable(dynamoDbEndpoint),
                            Optional.ofNullable(s3Endpoint)))
                    : Optional.empty())
            .tls(tlsOptions);
    if (workers > 0) {
      b.workers(workers);
    }
    IngestionServer server = IngestionServer.start(b.build());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "shutdown"));
    Banner.print(System.out, server);
    stopped.await();
    return 0;
  }
}
