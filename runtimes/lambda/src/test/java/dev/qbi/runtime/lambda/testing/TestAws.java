package dev.qbi.runtime.lambda.testing;

import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.testing.LocalDynamoDb;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.LocalSqs;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** {@link AwsClients} aimed at the emulators (each started on first use), dummy credentials. */
public final class TestAws {

  public static final Region REGION = Region.US_EAST_1;

  private static AwsClients shared;

  private TestAws() {}

  /** Clients for ElasticMQ, dynalite and S3Mock, shared by the tests of this JVM. */
  public static synchronized AwsClients emulators() {
    if (shared == null) {
      shared =
          AwsClients.builder()
              .region(REGION)
              .credentials(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
              .s3PathStyle(true)
              .sqsEndpoint(LocalSqs.shared().endpoint())
              .dynamoDbEndpoint(LocalDynamoDb.shared().endpoint())
              .s3Endpoint(LocalS3.shared().endpoint())
              .build();
    }
    return shared;
  }

  /** A fresh job table (as the template defines it) in dynalite; its name. */
  public static String newJobTable() {
    String name = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
    DynamoDbJobTable.createTable(emulators().dynamoDb(), name);
    return name;
  }
}
