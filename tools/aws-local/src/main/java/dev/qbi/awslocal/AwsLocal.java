package dev.qbi.awslocal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * AWS on one machine, for {@code ./ingest serve --backend aws} without an account: ElasticMQ (SQS,
 * in this JVM), dynalite (DynamoDB, a Node.js child process), S3Mock (S3, in this JVM) and the
 * local user pool as the Cognito stand-in, all on 127.0.0.1; then the job queue (redriving to its
 * dead-letter queue), the dead-letter queue, the job table ({@link DynamoDbJobTable#createTable},
 * the adapters' own schema) and the payload bucket. Queues, table and objects live as long as this
 * object; the users stay in the data dir.
 *
 * <pre>{@code
 * try (AwsLocal aws = AwsLocal.start(AwsLocalOptions.defaults(dir).withFreePorts())) {
 *   Map<String, String> env = aws.endpoints().environment(); // INGEST_QUEUE_URL, ...
 * }
 * }</pre>
 */
public final class AwsLocal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AwsLocal.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The region the emulators answer for. */
  public static final String REGION = "us-east-1";

  /** Dummy credentials: the emulators check no signature, the SDK needs some. */
  public static final String ACCESS_KEY_ID = "test";

  public static final String SECRET_ACCESS_KEY = "test";

  private final List<AutoCloseable> running;
  private final Endpoints endpoints;
  private final Dynalite dynalite;
  private boolean closed;

  private AwsLocal(List<AutoCloseable> running, Endpoints endpoints, Dynalite dynalite) {
    this.running = running;
    this.endpoints = endpoints;
    this.dynalite = dynalite;
  }

  /**
   * Starts the emulators and the user pool, creates queue, dead-letter queue, table and bucket.
   *
   * @throws AwsLocalException when a port is taken, Node.js or dynalite is missing, or an emulator
   *     does not start (whatever had started is stopped again)
   */
  public static AwsLocal start(AwsLocalOptions options) {
    int sqsPort = port(options.sqsPort(), "SQS", "--sqs-port");
    int dynamoPort = port(options.dynamoDbPort(), "DynamoDB", "--dynamodb-port");
    int s3Port = port(options.s3Port(), "S3", "--s3-port");
    int idpPort = port(options.idpPort(), "the user pool", "--idp-port");
    // stopped again, newest first, should a later step fail
    List<AutoCloseable> running = new ArrayList<>();
    try {
      UserPoolServer pool =
          UserPoolServer.start(options.dataDir(), idpPort, options.passwordIterations());
      running.add(pool);
      SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(sqsPort).start();
      running.add(sqs::stopAndWait);
      sqs.waitUntilStarted();
      Dynalite dynalite = Dynalite.start(options.dynaliteDir(), dynamoPort);
      running.add(dynalite);
      S3Emulator s3 = S3Emulator.start(s3Port, REGION);
      running.add(s3);
      URI sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort);
      try (AwsClients aws =
          clients(sqsEndpoint, dynalite.endpoint(), s3.endpoint()).s3PathStyle(true).build()) {
        String dlqUrl = createDeadLetterQueue(aws.sqs(), options.queue() + "-dlq");
        String queueUrl = createQueue(aws.sqs(), options, dlqUrl);
        DynamoDbJobTable.createTable(aws.dynamoDb(), options.table());
        aws.s3().createBucket(b -> b.bucket(options.bucket()));
        Endpoints endpoints =
            new Endpoints(
                sqsEndpoint,
                dynalite.endpoint(),
                s3.endpoint(),
                pool.endpoint(),
                pool.issuer(),
                pool.poolId(),
                pool.clientId(),
                queueUrl,
                dlqUrl,
                options.table(),
                options.bucket(),
                REGION,
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                options.dataDir().toAbsolutePath().normalize(),
                pool.adminCredentials());
        LOG.info(
            "aws-local ready: queue {}, table {}, bucket {}",
            queueUrl,
            options.table(),
            options.bucket());
        return new AwsLocal(running, endpoints, dynalite);
      }
    } catch (RuntimeException e) {
      stopAll(running, e);
      throw e;
    }
  }

  /** Clients for the emulators with the dummy credentials; add {@code s3PathStyle} and build. */
  public static AwsClients.Builder clients(URI sqs, URI dynamoDb, URI s3) {
    return AwsClients.builder()
        .region(Region.of(REGION))
        .credentials(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
        .sqsEndpoint(sqs)
        .dynamoDbEndpoint(dynamoDb)
        .s3Endpoint(s3);
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  /** dynalite's Node process. */
  public ProcessHandle dynaliteProcess() {
    return dynalite.handle();
  }

  /** Stops everything (dynalite's Node process too); the user pool's data dir stays. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = new IllegalStateException("aws-local did not stop cleanly");
    stopAll(running, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void stopAll(List<AutoCloseable> running, RuntimeException failure) {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
    running.clear();
  }

  private static String createDeadLetterQueue(SqsClient sqs, String name) {
    // 14 days, as the SAM template's dead-letter queue
    return sqs.createQueue(
            b ->
                b.queueName(name)
                    .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600")))
        .queueUrl();
  }

  private static String createQueue(SqsClient sqs, AwsLocalOptions options, String dlqUrl) {
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String redrive;
    try {
      redrive =
          JSON.writeValueAsString(
              Map.of(
                  "deadLetterTargetArn",
                  dlqArn,
                  "maxReceiveCount",
                  Integer.toString(options.maxReceiveCount())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return sqs.createQueue(
            b ->
                b.queueName(options.queue())
                    .attributes(
                        Map.of(
                            QueueAttributeName.VISIBILITY_TIMEOUT,
                            Long.toString(options.visibilityTimeout().toSeconds()),
                            QueueAttributeName.REDRIVE_POLICY,
                            redrive)))
        .queueUrl();
  }

  /** {@code port} when it is free on 127.0.0.1, a free port when it is 0. */
  private static int port(int port, String what, String option) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AwsLocalException(
          "port " + port + " (" + what + ") is in use: pick another with " + option);
    }
  }
}
