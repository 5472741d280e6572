package dev.qbi.e2e;

import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.testing.LocalDynamoDb;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.runtime.local.AwsBackendSettings;
import dev.qbi.runtime.local.IngestionServer;
import dev.qbi.runtime.local.ServerSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code ingest serve --backend aws} started in-process for the suite, on the AWS adapters' test
 * emulators (ElasticMQ and S3Mock in this JVM, dynalite as a Node process: {@code npm ci --prefix
 * tools/dynalite}) with a queue, dead-letter queue and table of its own; tokens come from a second,
 * local-backend server whose identity provider is the Cognito stand-in (as {@code ./ingest
 * aws-local} does it). The SDK's region and dummy credentials are set as system properties.
 */
public final class LocalAwsBackendRuntime implements AutoCloseable {

  private final LocalRuntime issuer;
  private final AwsClients clients;
  private final IngestionServer server;

  private LocalAwsBackendRuntime(LocalRuntime issuer, AwsClients clients, IngestionServer server) {
    this.issuer = issuer;
    this.clients = clients;
    this.server = server;
  }

  public static LocalAwsBackendRuntime start() {
    System.setProperty("aws.region", TestAws.REGION.id());
    System.setProperty("aws.accessKeyId", TestAws.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", TestAws.SECRET);
    AwsClients clients = TestAws.emulators();
    LocalRuntime issuer = LocalRuntime.start();
    try {
      String table = "e2e-jobs-" + UUID.randomUUID();
      DynamoDbJobTable.createTable(clients.dynamoDb(), table);
      AwsBackendSettings resources =
          new AwsBackendSettings(
              LocalSqs.shared().createQueue(clients.sqs(), "e2e-jobs"),
              LocalSqs.shared().createQueue(clients.sqs(), "e2e-jobs-dlq"),
              table,
              LocalS3.BUCKET,
              Optional.of(LocalSqs.shared().endpoint()),
              Optional.of(LocalDynamoDb.shared().endpoint()),
              Optional.of(LocalS3.shared().endpoint()));
      ServerSettings settings =
          ServerSettings.builder(issuer.scratchDir().resolve("aws-backend"))
              .host("127.0.0.1")
              .port(0)
              .workers(2)
              .maxReceiveCount(3)
              .retryBaseDelay(Duration.ofMillis(50))
              .retryMaxDelay(Duration.ofMillis(200))
              .shutdownGrace(Duration.ofSeconds(2))
              .externalIssuer(Optional.of(issuer.issuer()))
              .clientId(issuer.clientId())
              .aws(Optional.of(resources))
              .build();
      return new LocalAwsBackendRuntime(issuer, clients, IngestionServer.start(settings));
    } catch (RuntimeException e) {
      issuer.close();
      clients.close();
      throw e;
    }
  }

  /** The {@code --backend aws} server. */
  public URI baseUrl() {
    return server.baseUrl();
  }

  /** The server whose user pool issues the tokens. */
  public LocalRuntime issuer() {
    return issuer;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      clients.close();
      issuer.close();
    }
  }
}
