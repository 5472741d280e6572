package dev.qbi.runtime.local.worker;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.port.JobInbox;
import dev.qbi.core.usecase.LeaseKeeper;
import dev.qbi.core.usecase.ProcessJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers that lease messages from the inbox, process them and settle each {@link Decision} on the
 * inbox. Each of {@code workers} receivers leases up to {@code batchSize} messages at a time and
 * hands each to a virtual thread; a receiver leases again as soon as there is room (up to {@code 4
 * * batchSize} jobs in flight per receiver), so storage round trips overlap and group commits are
 * shared.
 *
 * <p>Each job runs under a {@link LeaseKeeper.Watch}: while its handler runs, the lease is extended
 * every third of the visibility timeout, a cancel request from its owner interrupts it, and so does
 * the job timeout. The watch is closed before the decision is settled.
 *
 * <p>On {@link #close()} the receivers stop leasing and in-flight jobs are given {@code grace} to
 * finish; anything unfinished keeps its lease and is delivered again after the visibility timeout,
 * so nothing is lost.
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
  private static final Duration RECEIVE_WAIT = Duration.ofSeconds(5);
  private static final long GIVE_WAY_POLL_MILLIS = 2;

  /**
   * Jobs in flight per receiver, in batches: storage round trips, not CPU, bound a job's time, so
   * several batches run at once and their writes share group commits.
   */
  private static final int IN_FLIGHT_PER_RECEIVER = 16;

  private final JobInbox inbox;
  private final ProcessJob processJob;
  private final LeaseKeeper keeper;
  private final int workers;
  private final int batchSize;
  private final Duration visibility;
  private final Duration grace;
  private final IntakePressure intake;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Object pauseLock = new Object();
  private boolean paused;
  private final List<Thread> receivers = new ArrayList<>();
  private final ExecutorService processors = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore inFlight;

  /** Jobs received and not yet settled (the permits of {@link #inFlight} also count receives). */
  private final AtomicInteger leased = new AtomicInteger();

  private final MeterRegistry registry;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final Timer processing;

  /**
   * @param keeper keeps the leases of running jobs; built for the same inbox and {@code visibility}
   */
  public WorkerPool(
      JobInbox inbox,
      ProcessJob processJob,
      LeaseKeeper keeper,
      int workers,
      int batchSize,
      Duration visibility,
      Duration grace,
      IntakePressure intake,
      MeterRegistry registry) {
    if (workers < 1 || batchSize < 1) {
      throw new IllegalArgumentException("workers and batch size must be >= 1");
    }
    this.inbox = inbox;
    this.registry = registry;
    this.processJob = processJob;
    this.keeper = keeper;
    this.workers = workers;
    this.batchSize = batchSize;
    this.visibility = visibility;
    this.grace = grace;
    this.intake = intake;
    this.inFlight = new Semaphore(maxInFlight(workers, batchSize));
    for (String outcome : Decision.LABELS) {
      counter(outcome);
    }
    this.processing =
        Timer.builder("ingest.jobs.processing")
            .description("Time to process one delivery")
            .register(registry);
  }

  /** How many jobs a pool of {@code workers} receivers leasing {@code batchSize} runs at once. */
  public static int maxInFlight(int workers, int batchSize) {
    return IN_FLIGHT_PER_RECEIVER * batchSize * workers;
  }

  public void start() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    for (int i = 0; i < workers; i++) {
      Thread t = Thread.ofPlatform().name("worker-" + i).daemon(true).unstarted(this::receiveLoop);
      receivers.add(t);
      t.start();
    }
    LOG.info(
        "{} workers started (batch {}, visibility {}, heartbeat {}, job timeout {})",
        workers,
        batchSize,
        visibility,
        keeper.heartbeat(),
        keeper.jobTimeout());
  }

  /**
   * Stops leasing new messages until {@link #resume}; jobs already leased run to the end. For
   * operators (maintenance, a burst to absorb first) and for the benchmark's split of costs.
   */
  public void pause() {
    synchronized (pauseLock) {
      if (!paused) {
        paused = true;
        LOG.info("workers paused: no new messages are leased");
      }
    }
  }

  /** Leasing starts again. */
  public void resume() {
    synchronized (pauseLock) {
      if (paused) {
        paused = false;
        LOG.info("workers resumed");
      }
      pauseLock.notifyAll();
    }
  }

  public boolean paused() {
    synchronized (pauseLock) {
      return paused;
    }
  }

  /** Receivers in this pool. */
  public int workers() {
    return workers;
  }

  /** Jobs leased and not yet settled. */
  public int inFlight() {
    return leased.get();
  }

  /** Room taken: jobs in flight and the slots of receives under way. */
  private int reserved() {
    return maxInFlight(workers, batchSize) - this.inFlight.availablePermits();
  }

  /**
   * While intake is busy, waits until fewer than one batch of jobs is in flight in the whole pool:
   * processing goes on, one batch at a time, and the CPU goes to the submits first.
   */
  private void giveWayToIntake() throws InterruptedException {
    while (intake.busy() && reserved() >= batchSize) {
      Thread.sleep(GIVE_WAY_POLL_MILLIS);
    }
  }

  private void awaitResumed() throws InterruptedException {
    synchronized (pauseLock) {
      while (paused) {
        pauseLock.wait();
      }
    }
  }

  private void receiveLoop() {
    while (running.get()) {
      int slots = 0;
      try {
        awaitResumed();
        giveWayToIntake();
        // lease only as many messages as there is room to run right now
        inFlight.acquire();
        slots = 1;
        while (slots < batchSize && inFlight.tryAcquire()) {
          slots++;
        }
        List<Delivery> batch = inbox.receive(slots, visibility, RECEIVE_WAIT);
        leased.addAndGet(batch.size());
        for (Delivery delivery : batch) {
          slots--;
          processors.execute(
              () -> {
                try {
                  processOne(delivery);
                } finally {
                  leased.decrementAndGet();
                  inFlight.release();
                }
              });
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // storage trouble: back off a little instead of spinning
        LOG.error("worker loop error: {}", e.toString());
        try {
          Thread.sleep(500);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      } finally {
        inFlight.release(slots);
      }
    }
  }

  private void processOne(Delivery delivery) {
    long start = System.nanoTime();
    try {
      Decision decision;
      try (LeaseKeeper.Watch watch = keeper.watch(delivery)) {
        decision = processJob.process(delivery, watch);
      }
      inbox.settle(delivery, decision);
      counter(decision.label()).increment();
    } catch (RuntimeException e) {
      // the lease will expire and the message comes back: nothing is lost
      LOG.error(
          "job {} delivery failed in the pipeline: {}", delivery.message().jobId(), e.toString());
    } finally {
      processing.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private Counter counter(String outcome) {
    return outcomes.computeIfAbsent(
        outcome,
        o ->
            Counter.builder("ingest.jobs.processed")
                .description("Deliveries processed, by outcome")
                .tag("outcome", o.toLowerCase(Locale.ROOT))
                .register(registry));
  }

  @Override
  public void close() {
    if (!running.compareAndSet(true, false)) {
      return;
    }
    // receivers stop leasing at once; jobs already running get the grace period to finish
    receivers.forEach(Thread::interrupt);
    processors.shutdown();
    try {
      for (Thread t : receivers) {
        t.join(grace.toMillis());
      }
      if (!processors.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "jobs still running after {}s; their messages will be delivered again",
            grace.toSeconds());
        processors.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("workers stopped");
  }
}
