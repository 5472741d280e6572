package dev.qbi.awslocal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link AwsLocal#start} starts and creates. All listeners are on 127.0.0.1; a port of 0 means
 * "any free port".
 *
 * @param sqsPort ElasticMQ (SQS API)
 * @param dynamoDbPort dynalite (DynamoDB API)
 * @param s3Port S3Mock (S3 API, plain HTTP)
 * @param idpPort the local user pool (Cognito protocol); the issuer is {@code
 *     http://127.0.0.1:<idpPort>/<poolId>}
 * @param dataDir the user pool's directory (users, signing key, admin key pair); kept between runs,
 *     unlike the queues, table and objects, which live only as long as aws-local
 * @param queue the job queue's name; the dead-letter queue is {@code <queue>-dlq}
 * @param table the job table's name
 * @param bucket the payload bucket's name
 * @param visibilityTimeout the job queue's visibility timeout (whole seconds)
 * @param maxReceiveCount receives before SQS moves a message to the dead-letter queue
 * @param passwordIterations PBKDF2 iterations of new passwords (tests use few)
 * @param dynaliteDir the folder with dynalite's {@code node_modules} ({@code tools/dynalite});
 *     empty: looked for above the working directory and above this jar
 */
public record AwsLocalOptions(
    int sqsPort,
    int dynamoDbPort,
    int s3Port,
    int idpPort,
    Path dataDir,
    String queue,
    String table,
    String bucket,
    Duration visibilityTimeout,
    int maxReceiveCount,
    int passwordIterations,
    Optional<Path> dynaliteDir) {

  public static final int DEFAULT_SQS_PORT = 9324;
  public static final int DEFAULT_DYNAMODB_PORT = 4567;
  public static final int DEFAULT_S3_PORT = 9090;
  public static final int DEFAULT_IDP_PORT = 9229;
  public static final String DEFAULT_QUEUE = "ingest-jobs";
  public static final String DEFAULT_TABLE = "ingest-jobs";
  public static final String DEFAULT_BUCKET = "ingest-payloads";

  /**
   * As the SAM template's queue: above the processor's own give-up count (Defaults
   * MAX_RECEIVE_COUNT, 3), so SQS dead-letters only messages the application has not settled.
   */
  public static final int DEFAULT_MAX_RECEIVE_COUNT = 5;

  public AwsLocalOptions {
    port(sqsPort, "sqsPort");
    port(dynamoDbPort, "dynamoDbPort");
    port(s3Port, "s3Port");
    port(idpPort, "idpPort");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
    Objects.requireNonNull(dynaliteDir, "dynaliteDir");
    if (visibilityTimeout.toSeconds() < 1 || visibilityTimeout.toSeconds() > 43_200) {
      throw new IllegalArgumentException("visibilityTimeout must be 1 s to 12 h");
    }
    if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new IllegalArgumentException("maxReceiveCount must be 1 to 1000");
    }
    if (passwordIterations < 1) {
      throw new IllegalArgumentException("passwordIterations must be positive");
    }
  }

  /** The default ports and names, the user pool in {@code dataDir}. */
  public static AwsLocalOptions defaults(Path dataDir) {
    return new AwsLocalOptions(
        DEFAULT_SQS_PORT,
        DEFAULT_DYNAMODB_PORT,
        DEFAULT_S3_PORT,
        DEFAULT_IDP_PORT,
        dataDir,
        DEFAULT_QUEUE,
        DEFAULT_TABLE,
        DEFAULT_BUCKET,
        Duration.ofSeconds(30),
        DEFAULT_MAX_RECEIVE_COUNT,
        210_000,
        Optional.empty());
  }

  /** Every listener on a free port (tests, several stacks at once). */
  public AwsLocalOptions withFreePorts() {
    return new AwsLocalOptions(
        0,
        0,
        0,
        0,
        dataDir,
        queue,
        table,
        bucket,
        visibilityTimeout,
        maxReceiveCount,
        passwordIterations,
        dynaliteDir);
  }

  /** The same with another visibility timeout. */
  public AwsLocalOptions withVisibilityTimeout(Duration timeout) {
    return new AwsLocalOptions(
        sqsPort,
        dynamoDbPort,
        s3Port,
        idpPort,
        dataDir,
        queue,
        table,
        bucket,
        timeout,
        maxReceiveCount,
        passwordIterations,
        dynaliteDir);
  }

  /** The same with another number of PBKDF2 iterations for new passwords. */
  public AwsLocalOptions withPasswordIterations(int iterations) {
    return new AwsLocalOptions(
        sqsPort,
        dynamoDbPort,
        s3Port,
        idpPort,
        dataDir,
        queue,
        table,
        bucket,
        visibilityTimeout,
        maxReceiveCount,
        iterations,
        dynaliteDir);
  }

  private static void port(int port, String name) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(name + " must be 0 to 65535");
    }
  }
}
