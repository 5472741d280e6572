package dev.qbi.core.usecase;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.port.JobTable;
import dev.qbi.core.port.JobTable.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one delivery of a job message: idempotent (a terminal job is acknowledged without
 * running the business logic again), conditional status writes, retry with backoff, and on the last
 * allowed delivery the job becomes {@code failed} and the message is dead-lettered.
 */
public final class ProcessJob {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessJob.class);
  private static final int MAX_ERROR_CHARS = 1000;

  private final JobTable table;
  private final JobQueue queue;
  private final JobExecutor executor;
  private final Clock clock;
  private final RetryPolicy retry;

  public ProcessJob(
      JobTable table, JobQueue queue, JobExecutor executor, Clock clock, RetryPolicy retry) {
    this.table = Objects.requireNonNull(table, "table");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  /** The result of handling one delivery. */
  public enum Outcome {
    COMPLETED,
    /** The job was already terminal: acknowledged, business logic not run. */
    ALREADY_DONE,
    /** The attempt failed and the message will be delivered again. */
    RETRY_SCHEDULED,
    FAILED,
  }

  public Outcome process(Delivery delivery) {
    JobMessage message = delivery.message();
    Instant now = clock.instant();
    Optional<Job> current = table.find(message.jobId());
    if (current.isEmpty()) {
      // a runtime whose intake only queues (SQS) creates the row on first delivery
      table.insertIfAbsent(
          Job.submitted(message.jobId(), message.owner(), SubmitJob.md5Hex(message.body()), now));
      current = table.find(message.jobId());
    }
    if (current.isEmpty()) {
      throw new IllegalStateException("job row vanished: " + message.jobId());
    }
    Job job = current.get();
    if (job.status().isTerminal()) {
      queue.acknowledge(delivery);
      LOG.info("job {} already {}; redelivery acknowledged", job.id(), job.status().wireName());
      return Outcome.ALREADY_DONE;
    }
    if (!table.transition(
        job.id(),
        job.status(),
        new Transition(JobStatus.PROCESSING, now, delivery.receiveCount(), null, job.error()))) {
      // someone else moved it; leave the message to be redelivered and re-evaluated
      LOG.info("job {} changed under us; will be re-evaluated on redelivery", job.id());
      return Outcome.RETRY_SCHEDULED;
    }
    try {
      String outputKey =
          executor.execute(new JobHandler.Request(job.id(), job.owner(), message.body()));
      table.transition(
          job.id(),
          JobStatus.PROCESSING,
          new Transition(
              JobStatus.COMPLETE, clock.instant(), delivery.receiveCount(), outputKey, null));
      queue.acknowledge(delivery);
      LOG.debug("job {} complete after {} delivery(ies)", job.id(), delivery.receiveCount());
      return Outcome.COMPLETED;
    } catch (Exception e) {
      return failAttempt(delivery, job, e);
    }
  }

  private Outcome failAttempt(Delivery delivery, Job job, Exception e) {
    String error = describe(e);
    int count = delivery.receiveCount();
    if (count >= retry.maxReceiveCount()) {
      if (!table.transition(
          job.id(),
          JobStatus.PROCESSING,
          new Transition(JobStatus.FAILED, clock.instant(), count, null, error))) {
        // only a terminal job leaves PROCESSING: a concurrent delivery already finished it
        queue.acknowledge(delivery);
        LOG.info("job {} was finished by another delivery; this one acknowledged", job.id());
        return Outcome.ALREADY_DONE;
      }
      queue.deadLetter(delivery, error);
      LOG.warn("job {} failed after {} deliveries: {}", job.id(), count, e.getClass().getName());
      return Outcome.FAILED;
    }
    table.transition(
        job.id(),
        JobStatus.PROCESSING,
        new Transition(JobStatus.PROCESSING, clock.instant(), count, null, error));
    Duration delay = retry.backoff(count);
    queue.retryLater(delivery, delay);
    LOG.info(
        "job {} attempt {} failed ({}); retry in {} ms",
        job.id(),
        count,
        e.getClass().getSimpleName(),
        delay.toMillis());
    return Outcome.RETRY_SCHEDULED;
  }

  /** {@code Type: message}, bounded, so a failure keeps its type and message. */
  static String describe(Throwable e) {
    String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "…";
  }

  /**
   * How failed attempts are retried.
   *
   * @param maxReceiveCount deliveries before the job fails and the message is dead-lettered
   * @param baseDelay the first retry delay; doubled per attempt up to {@code maxDelay}
   */
  public record RetryPolicy(int maxReceiveCount, Duration baseDelay, Duration maxDelay) {
    public static final RetryPolicy DEFAULT =
        new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(60));

    public RetryPolicy {
      if (maxReceiveCount < 1) {
        throw new IllegalArgumentException("maxReceiveCount must be >= 1");
      }
    }

    public Duration backoff(int receiveCount) {
      long factor = 1L << Math.min(20, Math.max(0, receiveCount - 1));
      Duration d = baseDelay.multipliedBy(factor);
      return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
  }
}
