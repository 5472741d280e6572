package dev.qbi.core.port;

import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;

/**
 * The business logic SPI. One implementation is active; the default is the weather batch simulator.
 * Implementations are found with {@link java.util.ServiceLoader} and chosen by {@link #name()}.
 *
 * <p>Must be safe to call again for the same job (delivery is at least once).
 */
public interface JobHandler {

  /** The name used to select this handler in configuration. */
  String name();

  /**
   * Runs the job. Throwing marks this attempt failed; it is retried until the queue's max receive
   * count, then the job is {@code failed} with the exception's type and message.
   */
  Output handle(Request request) throws Exception;

  /** The job request: the payload is the body the client submitted, unchanged. */
  record Request(JobId jobId, Owner owner, byte[] payload) {}

  /** The job's output document. */
  record Output(byte[] content, String contentType) {}
}
