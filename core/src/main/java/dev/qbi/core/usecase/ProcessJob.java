package dev.qbi.core.usecase;

import dev.qbi.core.Defaults;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobTable;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one delivery of a job message and returns the {@link Decision} on it; the runtime that
 * received the delivery settles that decision on its queue. Idempotent: a terminal job is not run
 * again. Every status write is conditional on the version read, so of two deliveries of one job
 * only one runs it; a failed attempt is retried with backoff until the last allowed delivery, where
 * the job becomes {@code failed} and the message is to be dead-lettered.
 */
public final class ProcessJob {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessJob.class);
  private static final int MAX_ERROR_CHARS = 1000;

  private final JobTable table;
  private final JobExecutor executor;
  private final Clock clock;
  private final RetryPolicy retry;

  public ProcessJob(JobTable table, JobExecutor executor, Clock clock, RetryPolicy retry) {
    this.table = Objects.requireNonNull(table, "table");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  public Decision process(Delivery delivery) {
    JobMessage message = delivery.message();
    Optional<Job> current = table.find(message.jobId());
    if (current.isEmpty()) {
      // a runtime whose intake only queues (SQS) creates the row on first delivery
      table.insertIfAbsent(
          Job.submitted(
              message.jobId(), message.owner(), SubmitJob.md5Hex(message.body()), clock.instant()));
      current = table.find(message.jobId());
    }
    Job job =
        current.orElseThrow(
            () -> new IllegalStateException("job row vanished: " + message.jobId()));
    if (job.status().isTerminal()) {
      LOG.info("job {} already {}; redelivery finished", job.id(), job.status().wireName());
      return new Decision.AlreadyDone(job.status());
    }
    Job running =
        job.next(JobStatus.PROCESSING, clock.instant(), delivery.receiveCount(), null, null);
    if (!table.update(running)) {
      LOG.info("job {} changed under us; will be judged again on redelivery", job.id());
      return new Decision.Contended();
    }
    String outputKey;
    try {
      outputKey = executor.execute(new JobHandler.Request(job.id(), job.owner(), message.body()));
    } catch (Exception e) {
      return failAttempt(delivery, running, e);
    }
    Job done =
        running.next(JobStatus.COMPLETE, clock.instant(), delivery.receiveCount(), outputKey, null);
    if (!table.update(done)) {
      return lostRace(running);
    }
    LOG.debug("job {} complete after {} delivery(ies)", job.id(), delivery.receiveCount());
    return new Decision.Completed(outputKey);
  }

  private Decision failAttempt(Delivery delivery, Job running, Exception e) {
    String error = describe(e);
    int count = delivery.receiveCount();
    boolean last = count >= retry.maxReceiveCount();
    Job next =
        running.next(
            last ? JobStatus.FAILED : JobStatus.PROCESSING, clock.instant(), count, null, error);
    if (!table.update(next)) {
      return lostRace(running);
    }
    if (last) {
      LOG.warn(
          "job {} failed after {} deliveries: {}", running.id(), count, e.getClass().getName());
      return new Decision.DeadLetter(error);
    }
    Duration delay = retry.backoff(count);
    LOG.info(
        "job {} attempt {} failed ({}); retry in {} ms",
        running.id(),
        count,
        e.getClass().getSimpleName(),
        delay.toMillis());
    return new Decision.RetryAfter(delay, error);
  }

  /** Our write after running lost to another delivery (our lease had ended meanwhile). */
  private Decision lostRace(Job running) {
    Optional<Job> now = table.find(running.id());
    if (now.isPresent() && now.get().status().isTerminal()) {
      LOG.info("job {} was finished by another delivery", running.id());
      return new Decision.AlreadyDone(now.get().status());
    }
    LOG.info("job {} is being run by another delivery", running.id());
    return new Decision.Contended();
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
        new RetryPolicy(
            Defaults.MAX_RECEIVE_COUNT, Defaults.RETRY_BASE_DELAY, Defaults.RETRY_MAX_DELAY);

    public RetryPolicy {
      if (maxReceiveCount < 1) {
        throw new IllegalArgumentException("maxReceiveCount must be >= 1");
      }
    }

    /** The default delays with another limit on deliveries. */
    public static RetryPolicy withMaxReceiveCount(int maxReceiveCount) {
      return new RetryPolicy(maxReceiveCount, DEFAULT.baseDelay(), DEFAULT.maxDelay());
    }

    public Duration backoff(int receiveCount) {
      long factor = 1L << Math.min(20, Math.max(0, receiveCount - 1));
      Duration d = baseDelay.multipliedBy(factor);
      return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
  }
}
