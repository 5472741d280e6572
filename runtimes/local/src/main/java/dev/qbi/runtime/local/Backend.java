package dev.qbi.runtime.local;

import dev.qbi.core.port.DeadLetterStore;
import dev.qbi.core.port.JobIntake;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.port.JobTable;
import dev.qbi.core.port.PayloadStore;
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.api.ApiMetrics;
import dev.qbi.runtime.local.api.StorageHealth;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a server keeps its jobs: the queue, the job table, the intake, the outputs and the dead
 * letters, and what comes with them. {@link IngestionServer} composes one with the HTTP API and the
 * workers, which are the same for every backend:
 *
 * <ul>
 *   <li>{@link LocalBackend}: SQLite and files in the data dir (locked: one server per data dir),
 *       the local identity provider, the retention sweeper, signed {@code /download} links;
 *   <li>{@link AwsBackend}: SQS (with its dead-letter queue), DynamoDB and S3, shared by any number
 *       of instances; tokens of an external issuer; retention by DynamoDB TTL and S3 lifecycle
 *       rules; S3 pre-signed links.
 * </ul>
 */
interface Backend extends AutoCloseable {

  JobQueue queue();

  JobTable table();

  JobIntake intake();

  PayloadStore payloads();

  DeadLetterStore deadLetters();

  /** The user pool served by this process (the local backend's), if any. */
  Optional<LocalIdentityProvider> identity();

  /** Whether writes go through now, for {@code /health/ready}. */
  StorageHealth health();

  /**
   * When the oldest message in the queue was sent, for the {@code ingest.queue.oldest.age} gauge;
   * empty when the queue is empty, and always for a queue that cannot tell (SQS).
   */
  default Optional<Instant> oldestMessageSentAt() {
    return Optional.empty();
  }

  /** Whether {@link #oldestMessageSentAt} means anything (its gauge is registered only then). */
  default boolean knowsOldestMessage() {
    return false;
  }

  /** The admin key pair's file, {@code AWS_SHARED_CREDENTIALS_FILE} for operators. */
  Path adminCredentialsFile();

  /** Adds the backend's own routes (the local backend's {@code /download}). */
  default void routes(HttpRouting.Builder routing, ApiMetrics metrics) {}

  /** Starts the backend's background work (the local retention sweeper), metered on {@code r}. */
  default void start(MeterRegistry registry) {}

  /** One line for the log: where the jobs are. */
  String describe();

  /** Closes what the backend opened; safe to call twice. */
  @Override
  void close();
}
