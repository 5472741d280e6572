package dev.qbi.runtime.local;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@code ingest serve --backend aws} keeps its jobs: the SQS queue and dead-letter queue, the
 * DynamoDB table and the S3 bucket (all created beforehand: by the SAM stack, or by {@code ./ingest
 * aws-local} on emulators). The endpoints override the SDK's for emulators and S3-compatible
 * stores; S3 is then addressed path-style. Region and credentials come from the SDK's default chain
 * ({@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, a profile, the container's role...).
 */
public record AwsBackendSettings(
    String queueUrl,
    String deadLetterQueueUrl,
    String table,
    String bucket,
    Optional<URI> sqsEndpoint,
    Optional<URI> dynamoDbEndpoint,
    Optional<URI> s3Endpoint) {

  public AwsBackendSettings {
    List<String> missing = new ArrayList<>();
    require(queueUrl, "--queue-url (INGEST_QUEUE_URL)", missing);
    require(deadLetterQueueUrl, "--dead-letter-queue-url (INGEST_DEAD_LETTER_QUEUE_URL)", missing);
    require(table, "--table (INGEST_TABLE)", missing);
    require(bucket, "--bucket (INGEST_BUCKET)", missing);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("--backend aws needs " + String.join(", ", missing));
    }
    Objects.requireNonNull(sqsEndpoint, "sqsEndpoint");
    Objects.requireNonNull(dynamoDbEndpoint, "dynamoDbEndpoint");
    Objects.requireNonNull(s3Endpoint, "s3Endpoint");
  }

  /** The resources on the services' own endpoints. */
  public AwsBackendSettings(
      String queueUrl, String deadLetterQueueUrl, String table, String bucket) {
    this(
        queueUrl,
        deadLetterQueueUrl,
        table,
        bucket,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static void require(String value, String option, List<String> missing) {
    if (value == null || value.isBlank()) {
      missing.add(option);
    }
  }
}
