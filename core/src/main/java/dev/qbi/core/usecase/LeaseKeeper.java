package dev.qbi.core.usecase;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.port.JobInbox;
import dev.qbi.core.port.JobTable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of the deliveries a runtime is working on, and stops handlers that must stop. A
 * runtime opens a {@link Watch} around {@link ProcessJob#process(Delivery, AttemptWatch)} on the
 * thread that calls it, and closes it before settling the decision. While a watch is open, every
 * {@linkplain #heartbeat() heartbeat} (a third of the visibility timeout):
 *
 * <ul>
 *   <li>the delivery's lease is extended to the visibility timeout from now ({@link
 *       JobInbox#extendLease}), so a job that runs longer than the visibility timeout is not
 *       delivered to a second worker meanwhile. When an extension answers false the lease was lost
 *       (the message may already run elsewhere): that is logged and extending stops; this attempt's
 *       final write then loses to the other delivery's, which is how the job table stays right;
 *   <li>the job is read again: when its owner asked to cancel it, the handler is interrupted and
 *       {@link ProcessJob} records it {@code cancelled}.
 * </ul>
 *
 * A handler still running after the job timeout is interrupted too, and the attempt fails with a
 * {@link JobTimeoutException}. Interruptions reach the handler only while it runs (see {@link
 * AttemptWatch}). The heartbeats run on a pool of platform threads of their own: a slow queue or
 * table holds up no other watch, and handlers busy on virtual threads cannot starve them.
 */
public final class LeaseKeeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  private static final Duration MIN_HEARTBEAT = Duration.ofMillis(10);

  private final JobInbox inbox;
  private final JobTable table;
  private final Duration visibility;
  private final Duration heartbeat;
  private final Duration jobTimeout;
  private final ScheduledExecutorService timer;
  private final ExecutorService beats;

  /**
   * @param visibility the lease each heartbeat renews (the worker's visibility timeout)
   * @param jobTimeout how long a handler may run before it is interrupted
   */
  public LeaseKeeper(JobInbox inbox, JobTable table, Duration visibility, Duration jobTimeout) {
    this.inbox = Objects.requireNonNull(inbox, "inbox");
    this.table = Objects.requireNonNull(table, "table");
    this.visibility = requirePositive(visibility, "visibility");
    this.jobTimeout = requirePositive(jobTimeout, "jobTimeout");
    Duration third = visibility.dividedBy(3);
    this.heartbeat = third.compareTo(MIN_HEARTBEAT) < 0 ? MIN_HEARTBEAT : third;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("lease-keeper").daemon(true).factory());
    // platform threads: busy handlers on virtual threads must not hold up the heartbeats
    this.beats =
        Executors.newCachedThreadPool(
            Thread.ofPlatform().name("lease-beat-", 0).daemon(true).factory());
  }

  /** How often a watched delivery's lease is extended and its job checked for a cancel request. */
  public Duration heartbeat() {
    return heartbeat;
  }

  public Duration jobTimeout() {
    return jobTimeout;
  }

  /**
   * Starts keeping {@code delivery}'s lease; the calling thread is the one that will run the
   * handler (and the one interrupted to stop it).
   *
   * @throws IllegalStateException when the keeper is closed
   */
  public Watch watch(Delivery delivery) {
    return new Watch(Objects.requireNonNull(delivery, "delivery"), Thread.currentThread());
  }

  /** Stops every heartbeat; open watches no longer extend anything. */
  @Override
  public void close() {
    timer.shutdownNow();
    beats.shutdownNow();
  }

  private static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }

  /** One delivery being worked on: its heartbeats, and the stopping of its handler. */
  public final class Watch implements AttemptWatch, AutoCloseable {
    private final Delivery delivery;
    private final JobId jobId;
    private final Thread worker;
    private final ReentrantLock beating = new ReentrantLock();
    private final ScheduledFuture<?> heartbeats;
    private boolean leaseLost; // guarded by beating

    // guarded by this
    private boolean running;
    private boolean closed;
    private boolean interrupted;
    private Stop stop;
    private ScheduledFuture<?> deadline;

    private Watch(Delivery delivery, Thread worker) {
      this.delivery = delivery;
      this.jobId = delivery.message().jobId();
      this.worker = worker;
      long period = heartbeat.toNanos();
      try {
        heartbeats =
            timer.scheduleAtFixedRate(this::beatSoon, period, period, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        throw new IllegalStateException("the lease keeper is closed", e);
      }
    }

    @Override
    public synchronized void handlerStarting() {
      if (Thread.currentThread() != worker) {
        throw new IllegalStateException("the handler must run on the thread that opened the watch");
      }
      running = true;
      try {
        deadline =
            timer.schedule(
                () -> stop(new TimedOut(jobTimeout)), jobTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        deadline = null;
      }
      if (stop != null) {
        interruptWorker(); // a cancel request seen before the handler started
      }
    }

    @Override
    public synchronized Optional<Stop> handlerEnded() {
      running = false;
      if (deadline != null) {
        deadline.cancel(false);
      }
      clearOwnInterrupt();
      return Optional.ofNullable(stop);
    }

    /** Stops the heartbeats; waits for one in progress, so no extension follows the settling. */
    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        running = false;
        heartbeats.cancel(false);
        if (deadline != null) {
          deadline.cancel(false);
        }
        clearOwnInterrupt();
      }
      beating.lock();
      beating.unlock();
    }

    private void beatSoon() {
      try {
        beats.execute(this::beat);
      } catch (RejectedExecutionException closing) {
        // the keeper is closing: nothing more to extend
      }
    }

    private void beat() {
      if (!beating.tryLock()) {
        return; // the previous heartbeat is still busy
      }
      try {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        if (!leaseLost) {
          extend();
        }
        checkCancelRequest();
      } finally {
        beating.unlock();
      }
    }

    private void extend() {
      try {
        if (!inbox.extendLease(delivery, visibility)) {
          leaseLost = true;
          LOG.warn(
              "job {}: lease lost while it runs; the message may be delivered again, and this"
                  + " attempt's result will lose to that delivery's",
              jobId);
        }
      } catch (RuntimeException e) {
        LOG.warn("job {}: lease not extended ({}); trying again", jobId, e.toString());
      }
    }

    private void checkCancelRequest() {
      Optional<Job> job;
      try {
        job = table.find(jobId);
      } catch (RuntimeException e) {
        LOG.warn("job {}: cannot check for a cancel request ({})", jobId, e.toString());
        return;
      }
      if (job.isPresent()
          && (job.get().isCancelRequested() || job.get().status() == JobStatus.CANCELLED)) {
        stop(new CancelRequested());
      }
    }

    private synchronized void stop(Stop reason) {
      if (closed || stop != null) {
        return;
      }
      stop = reason;
      switch (reason) {
        case CancelRequested c -> LOG.info("job {}: cancel requested; stopping its handler", jobId);
        case TimedOut t -> LOG.warn("job {} ran longer than {}; interrupting it", jobId, t.limit());
      }
      if (running) {
        interruptWorker();
      }
    }

    private void interruptWorker() {
      interrupted = true;
      worker.interrupt();
    }

    private void clearOwnInterrupt() {
      if (interrupted && Thread.currentThread() == worker) {
        Thread.interrupted();
        interrupted = false;
      }
    }
  }
}
