package dev.qbi.adapters.aws.testing;

import dev.qbi.adapters.aws.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** {@link AwsClients} aimed at the local emulators, with dummy credentials. */
public final class TestAws {

  public static final Region REGION = Region.US_EAST_1;

  /** The dummy credentials every client here signs with. */
  public static final String ACCESS_KEY = "test";

  public static final String SECRET = "test";

  private TestAws() {}

  /** A builder with the region, dummy credentials and path-style S3; add the endpoints. */
  public static AwsClients.Builder clients() {
    return AwsClients.builder()
        .region(REGION)
        .credentials(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET)))
        .s3PathStyle(true);
  }

  /** Clients for every emulator this JVM has (each started on first use). */
  public static AwsClients emulators() {
    return clients()
        .sqsEndpoint(LocalSqs.shared().endpoint())
        .dynamoDbEndpoint(LocalDynamoDb.shared().endpoint())
        .s3Endpoint(LocalS3.shared().endpoint())
        .build();
  }
}
