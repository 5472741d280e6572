package dev.qbi.runtime.lambda;

import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.S3PayloadStore;
import dev.qbi.core.Defaults;
import dev.qbi.core.port.JobTable;
import java.time.Duration;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.regions.Region;

/**
 * How the handlers' public constructors build their adapters: SDK clients once per container (the
 * {@code url-connection-client}, X-Ray subsegments for every SDK call when the function is traced,
 * see {@link XRaySubsegments}), in the function's region.
 */
final class AwsWiring {

  /** How long finished jobs are kept when {@code JOB_RETENTION_DAYS} is not set. */
  static final long DEFAULT_RETENTION_DAYS = Defaults.RETENTION.toDays();

  private AwsWiring() {}

  /**
   * Clients in the region the Lambda runtime names in {@code AWS_REGION} (read by the SDK's own
   * setting, never by probing instance metadata), endpoints as the SDK resolves them.
   */
  static AwsClients clients() {
    Region region = Region.of(SdkSystemSetting.AWS_REGION.getStringValueOrThrow());
    AwsClients.Builder clients = AwsClients.builder().region(region);
    XRaySubsegments.fromRuntime().ifPresent(clients::interceptor);
    return clients.build();
  }

  static JobTable jobTable(Env env, AwsClients aws) {
    return new DynamoDbJobTable(aws.dynamoDb(), env.required("JOB_TABLE_NAME"));
  }

  static JobTable jobTableWithRetention(Env env, AwsClients aws) {
    long days = env.number("JOB_RETENTION_DAYS", DEFAULT_RETENTION_DAYS);
    if (days < 1) {
      throw new IllegalStateException("JOB_RETENTION_DAYS must be at least 1, was " + days);
    }
    return new DynamoDbJobTable(
        aws.dynamoDb(), env.required("JOB_TABLE_NAME"), Duration.ofDays(days));
  }

  static S3PayloadStore payloads(Env env, AwsClients aws) {
    return new S3PayloadStore(aws.s3(), aws.s3Presigner(), env.required("PAYLOAD_BUCKET"));
  }
}
