package dev.qbi.runtime.local;

import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.S3PayloadStore;
import dev.qbi.adapters.aws.SqsDeadLetters;
import dev.qbi.adapters.aws.SqsJobIntake;
import dev.qbi.adapters.aws.SqsJobQueue;
import dev.qbi.core.job.JobId;
import dev.qbi.core.usecase.RedriveOnDelivery;
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.api.AdminCredentials;
import dev.qbi.runtime.local.api.StorageHealth;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The AWS backend ({@code --backend aws}): the job queue and its dead-letter queue on SQS, the job
 * table on DynamoDB (every write conditional on the job's version), outputs on S3 with pre-signed
 * download links. Any number of instances share them: each leases from SQS, and any answers any
 * status request.
 *
 * <p>Nothing is locked or kept in the data dir but the admin key pair ({@code admin-credentials},
 * for the {@code /admin} routes; give every instance the same file). Retention is the services'
 * own: the table's TTL attribute (set to last update + {@code --retention} on every write) and an
 * S3 lifecycle rule on the bucket; the local retention sweeper does not run.
 *
 * <p>Readiness is a GetItem on the table and a GetQueueAttributes on the queue, at most once per
 * {@value #HEALTH_CACHE_SECONDS} seconds.
 */
final class AwsBackend implements Backend {

  static final long HEALTH_CACHE_SECONDS = 5;

  /** A key no job has: what the readiness check reads. */
  private static final JobId PROBE = new JobId(new UUID(0, 0));

  private final AwsBackendSettings resources;
  private final Clock clock;
  private final Path dataDir;
  private final AwsClients clients;
  private final SqsJobQueue queue;
  private final DynamoDbJobTable table;
  private final SqsJobIntake intake;
  private final S3PayloadStore payloads;
  private final SqsDeadLetters deadLetters;
  private StorageHealth health;
  private Instant checkedAt = Instant.MIN;

  private AwsBackend(ServerSettings settings, AwsBackendSettings resources, Clock clock) {
    this.resources = resources;
    this.clock = clock;
    this.dataDir = settings.dataDir().toAbsolutePath().normalize();
    AwsClients.Builder b = AwsClients.builder().region(region());
    resources.sqsEndpoint().ifPresent(b::sqsEndpoint);
    resources.dynamoDbEndpoint().ifPresent(b::dynamoDbEndpoint);
    resources.s3Endpoint().ifPresent(b::s3Endpoint);
    // S3 emulators and most S3-compatible stores need path-style URLs
    b.s3PathStyle(resources.s3Endpoint().isPresent());
    clients = b.build();
    table = new DynamoDbJobTable(clients.dynamoDb(), resources.table(), settings.retention());
    // dead letters moved back by SQS (StartMessageMoveTask) are redriven as the Lambda does it
    queue =
        new SqsJobQueue(
            clients.sqs(),
            resources.queueUrl(),
            resources.deadLetterQueueUrl(),
            new RedriveOnDelivery(table, clock)::apply);
    intake = new SqsJobIntake(queue, table);
    payloads = new S3PayloadStore(clients.s3(), clients.s3Presigner(), resources.bucket());
    deadLetters = new SqsDeadLetters(clients.sqs(), queue, table);
    health = new StorageHealth(true, Optional.empty(), clock.instant());
  }

  static AwsBackend open(ServerSettings settings, Clock clock) {
    return new AwsBackend(settings, settings.aws().orElseThrow(), clock);
  }

  /** The SDK's default region chain ({@code AWS_REGION}, {@code aws.region}, the profile...). */
  private static Region region() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkException e) {
      throw new IllegalArgumentException(
          "--backend aws needs a region: set AWS_REGION (or a profile's region)", e);
    }
  }

  @Override
  public SqsJobQueue queue() {
    return queue;
  }

  @Override
  public DynamoDbJobTable table() {
    return table;
  }

  @Override
  public SqsJobIntake intake() {
    return intake;
  }

  @Override
  public S3PayloadStore payloads() {
    return payloads;
  }

  @Override
  public SqsDeadLetters deadLetters() {
    return deadLetters;
  }

  @Override
  public Optional<LocalIdentityProvider> identity() {
    return Optional.empty();
  }

  @Override
  public synchronized StorageHealth health() {
    Instant now = clock.instant();
    if (Duration.between(checkedAt, now).toSeconds() < HEALTH_CACHE_SECONDS) {
      return health;
    }
    checkedAt = now;
    Optional<String> problem;
    try {
      table.find(PROBE);
      queue.depth();
      problem = Optional.empty();
    } catch (RuntimeException e) {
      problem = Optional.of(String.valueOf(e.getMessage()));
    }
    if (problem.isPresent() != !health.writable() || !problem.equals(health.problem())) {
      health = new StorageHealth(problem.isEmpty(), problem, now);
    }
    return health;
  }

  @Override
  public Path adminCredentialsFile() {
    return dataDir.resolve(AdminCredentials.FILE);
  }

  @Override
  public String describe() {
    return "queue "
        + resources.queueUrl()
        + ", table "
        + resources.table()
        + ", bucket "
        + resources.bucket()
        + " (region "
        + clients.region()
        + ")";
  }

  @Override
  public void close() {
    clients.close();
  }
}
