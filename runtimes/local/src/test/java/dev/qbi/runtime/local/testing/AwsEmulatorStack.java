package dev.qbi.runtime.local.testing;

import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.testing.LocalDynamoDb;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.runtime.local.AwsBackendSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A queue, dead-letter queue, table and bucket of their own on the emulators of the AWS adapters'
 * tests (ElasticMQ and S3Mock in this JVM, dynalite as a Node process), for servers started with
 * {@code --backend aws}: in this JVM ({@link #settings()}, with the dummy credentials and region
 * set as the SDK's system properties) or as processes ({@link #serveArgs()}, {@link #env()}).
 */
public final class AwsEmulatorStack implements AutoCloseable {

  public final AwsClients clients;
  public final String queueUrl;
  public final String deadLetterQueueUrl;
  public final String table;

  private AwsEmulatorStack(AwsClients clients, String queueUrl, String dlq, String table) {
    this.clients = clients;
    this.queueUrl = queueUrl;
    this.deadLetterQueueUrl = dlq;
    this.table = table;
  }

  /** Fresh queues and table; the region and dummy credentials become the SDK's defaults here. */
  public static AwsEmulatorStack create() {
    System.setProperty("aws.region", TestAws.REGION.id());
    System.setProperty("aws.accessKeyId", TestAws.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", TestAws.SECRET);
    AwsClients clients = TestAws.emulators();
    String queue = LocalSqs.shared().createQueue(clients.sqs(), "jobs");
    String dlq = LocalSqs.shared().createQueue(clients.sqs(), "jobs-dlq");
    String table = "jobs-" + UUID.randomUUID();
    DynamoDbJobTable.createTable(clients.dynamoDb(), table);
    return new AwsEmulatorStack(clients, queue, dlq, table);
  }

  /** What {@code --backend aws} with this stack's options amounts to. */
  public AwsBackendSettings settings() {
    return new AwsBackendSettings(
        queueUrl,
        deadLetterQueueUrl,
        table,
        LocalS3.BUCKET,
        Optional.of(LocalSqs.shared().endpoint()),
        Optional.of(LocalDynamoDb.shared().endpoint()),
        Optional.of(LocalS3.shared().endpoint()));
  }

  /** The {@code serve} options naming this stack. */
  public List<String> serveArgs() {
    return List.of(
        "--backend",
        "aws",
        "--queue-url",
        queueUrl,
        "--dead-letter-queue-url",
        deadLetterQueueUrl,
        "--table",
        table,
        "--bucket",
        LocalS3.BUCKET,
        "--sqs-endpoint",
        LocalSqs.shared().endpoint().toString(),
        "--dynamodb-endpoint",
        LocalDynamoDb.shared().endpoint().toString(),
        "--s3-endpoint",
        LocalS3.shared().endpoint().toString());
  }

  /** The region and credentials for a server process (the SDK's default chain reads them). */
  public static Map<String, String> env() {
    return Map.of(
        "AWS_REGION", TestAws.REGION.id(),
        "AWS_ACCESS_KEY_ID", TestAws.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", TestAws.SECRET);
  }

  @Override
  public void close() {
    clients.close();
  }
}
