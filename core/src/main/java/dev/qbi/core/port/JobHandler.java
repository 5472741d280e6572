package dev.qbi.core.port;

import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import java.util.Objects;

/**
 * The business logic SPI. One implementation is active; the default is the weather batch simulator.
 * Implementations are found with {@link java.util.ServiceLoader} and chosen by {@link #name()}.
 *
 * <p>Must be safe to call again for the same job (delivery is at least once).
 *
 * <p><b>Stopping.</b> {@link #handle} runs on the worker's own thread. When the job's owner cancels
 * it, or it runs longer than the job timeout, that thread is <em>interrupted</em>: a handler that
 * waits or sleeps gets an {@link InterruptedException} (let it propagate), and a long computation
 * should check {@link Thread#isInterrupted()} now and then. A handler that ignores the interrupt is
 * not stopped; its result is then recorded as if nothing had happened, unless the job was cancelled
 * meanwhile.
 */
public interface JobHandler {

  /** The name used to select this handler in configuration. */
  String name();

  /**
   * Runs the job. Throwing marks this attempt failed; it is retried until the queue's max receive
   * count, then the job is {@code failed} with the exception's type and message. Throwing a {@link
   * PermanentJobFailure} (or an exception caused by one) fails the job at once, without retries.
   */
  Output handle(Request request) throws Exception;

  /**
   * The job request: the payload is the body the client submitted, unchanged.
   *
   * @param attempt which attempt this is, from 1: the receive count of the delivery being run
   */
  record Request(JobId jobId, Owner owner, byte[] payload, int attempt) {
    public Request {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(payload, "payload");
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
      }
    }

    /** The first attempt at a job. */
    public Request(JobId jobId, Owner owner, byte[] payload) {
      this(jobId, owner, payload, 1);
    }
  }

  /** The job's output document. */
  record Output(byte[] content, String contentType) {}
}
