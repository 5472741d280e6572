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
import dev.qbi.core.port.PermanentJobFailure;
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
 * the job becomes {@code failed} and the message is to be dead-lettered. A {@link
 * PermanentJobFailure} fails the job on its first attempt.
 *
 * <p><b>Cancel.</b> A job whose owner asked to cancel it while it was {@code processing} is
 * recorded {@code cancelled} ({@link Decision.Cancelled}): when a delivery finds it so before
 * running it, when the {@link AttemptWatch} stopped its handler for it, and when a write of this
 * delivery lost to the cancel request. Its handler is not started again.
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

  /** {@link #process(Delivery, AttemptWatch)} with nothing watching the handler. */
  public Decision process(Delivery delivery) {
    return process(delivery, AttemptWatch.NONE);
  }

  /**
   * Decides on one delivery, running the business logic on the calling thread when the job is due.
   *
   * @param watch told when the handler runs; it may interrupt the handler to cancel the job or when
   *     the job timeout passes (the runtime's {@link LeaseKeeper.Watch})
   */
  public Decision process(Delivery delivery, AttemptWatch watch) {
    Objects.requireNonNull(watch, "watch");
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
    if (job.isCancelRequested()) {
      // its owner cancelled it between two attempts: do not start another
      return cancel(job);
    }
    Job running =
        job.next(JobStatus.PROCESSING, clock.instant(), delivery.receiveCount(), null, null);
    if (!table.update(running)) {
      return judgeAgain(running);
    }
    String outputKey = null;
    Exception failure = null;
    Optional<AttemptWatch.Stop> stop;
    watch.handlerStarting();
    try {
      outputKey =
          executor.execute(
              new JobHandler.Request(
                  job.id(),
                  job.owner(),
                  message.body(),
                  // the attempt over the job's life: a redriven series goes on counting
                  job.earlierAttempts() + delivery.receiveCount()));
    } catch (Exception e) {
      failure = e;
    } finally {
      stop = watch.handlerEnded();
    }
    if (failure != null) {
      return switch (stop.orElse(null)) {
        case AttemptWatch.CancelRequested c -> judgeAgain(running);
        case AttemptWatch.TimedOut t ->
            failAttempt(delivery, running, new JobTimeoutException(t.limit()));
        case null -> failAttempt(delivery, running, failure);
      };
    }
    Job done =
        running.next(JobStatus.COMPLETE, clock.instant(), delivery.receiveCount(), outputKey, null);
    JobTable.FinalWrite written = table.complete(done, delivery);
    if (written == JobTable.FinalWrite.CONFLICT) {
      return judgeAgain(running);
    }
    LOG.debug("job {} complete after {} delivery(ies)", job.id(), delivery.receiveCount());
    return new Decision.Completed(outputKey, written == JobTable.FinalWrite.WRITTEN_AND_SETTLED);
  }

  private Decision failAttempt(Delivery delivery, Job running, Exception e) {
    String error = describe(e);
    int count = delivery.receiveCount();
    boolean permanent = PermanentJobFailure.isPermanent(e);
    boolean last = permanent || count >= retry.maxReceiveCount();
    Job next =
        running.next(
            last ? JobStatus.FAILED : JobStatus.PROCESSING, clock.instant(), count, null, error);
    JobTable.FinalWrite written =
        last
            ? table.failForGood(next, delivery, error)
            : (table.update(next) ? JobTable.FinalWrite.WRITTEN : JobTable.FinalWrite.CONFLICT);
    if (written == JobTable.FinalWrite.CONFLICT) {
      return judgeAgain(running);
    }
    if (last) {
      LOG.warn(
          "job {} failed after {} deliveries{}: {}",
          running.id(),
          count,
          permanent ? " (a permanent failure)" : "",
          e.getClass().getName());
      return new Decision.DeadLetter(error, written == JobTable.FinalWrite.WRITTEN_AND_SETTLED);
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

  /**
   * A conditional write of ours lost: another delivery moved the job, or its owner asked to cancel
   * it. Decides by the job as it is now.
   */
  private Decision judgeAgain(Job ours) {
    Optional<Job> now = table.find(ours.id());
    if (now.isPresent() && now.get().status().isTerminal()) {
      LOG.info("job {} was finished by another delivery", ours.id());
      return new Decision.AlreadyDone(now.get().status());
    }
    if (now.isPresent() && now.get().isCancelRequested()) {
      return cancel(now.get());
    }
    LOG.info("job {} is being run by another delivery", ours.id());
    return new Decision.Contended();
  }

  /** Records {@code processing -> cancelled} for a job whose owner asked to cancel it. */
  private Decision cancel(Job requested) {
    Job cancelled =
        requested.next(JobStatus.CANCELLED, clock.instant(), requested.attempts(), null, null);
    if (!table.update(cancelled)) {
      LOG.info("job {} changed while being cancelled; judged again on redelivery", requested.id());
      return new Decision.Contended();
    }
    LOG.info("job {} cancelled by its owner", requested.id());
    return new Decision.Cancelled();
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
