package dev.qbi.runtime.local.worker;

import dev.qbi.adapters.local.files.FilePayloadStore;
import dev.qbi.adapters.local.sqlite.SqliteRetention;
import dev.qbi.core.usecase.InProcessJobExecutor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes jobs and their outputs once they are older than the retention, in the background, as the
 * AWS runtime's DynamoDB TTL and S3 lifecycle do: terminal jobs ({@code complete}, {@code failed},
 * {@code cancelled}) whose last update is older than {@code retention}; a job with a dead letter is
 * kept until an operator redrives or purges it.
 *
 * <p>A pass works in batches of {@value #BATCH}: read the candidates (on a reader connection, so
 * the writer is not held), delete their output files, then delete the rows in one short write of
 * the group-committed writer, and pause before the next batch so that intake writes are not stalled
 * behind the cleanup. Files go first: a crash between the two steps leaves rows whose outputs are
 * already gone (deleted on the next pass), never files no row refers to.
 */
public final class RetentionSweeper implements AutoCloseable {

  /** Rows deleted per write. */
  public static final int BATCH = 500;

  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);

  private final SqliteRetention rows;
  private final FilePayloadStore payloads;
  private final Clock clock;
  private final Duration retention;
  private final Duration interval;
  private final Duration pause;
  private final Counter deletedJobs;
  private final Counter deletedOutputs;
  private final ReentrantLock passLock = new ReentrantLock();
  private volatile boolean running;
  private Thread thread;

  /** What one pass deleted. */
  public record Pass(long jobs, long outputs, int batches, Duration took) {}

  /**
   * @param retention how old (since its last update) a terminal job is when it is deleted
   * @param interval the time between two passes
   * @param pause the time between two batches of one pass, during which intake has the writer
   */
  public RetentionSweeper(
      SqliteRetention rows,
      FilePayloadStore payloads,
      Clock clock,
      Duration retention,
      Duration interval,
      Duration pause,
      MeterRegistry registry) {
    this.rows = Objects.requireNonNull(rows, "rows");
    this.payloads = Objects.requireNonNull(payloads, "payloads");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retention = requirePositive(retention, "retention");
    this.interval = requirePositive(interval, "interval");
    this.pause = Objects.requireNonNull(pause, "pause");
    this.deletedJobs =
        Counter.builder("ingest.retention.deleted.jobs")
            .description("Job rows deleted after the retention period")
            .register(registry);
    this.deletedOutputs =
        Counter.builder("ingest.retention.deleted.outputs")
            .description("Output files deleted with their jobs after the retention period")
            .register(registry);
  }

  public Duration retention() {
    return retention;
  }

  /** Starts the background thread: a pass now, then one every {@code interval}. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    running = true;
    thread = Thread.ofPlatform().name("retention-sweeper").daemon(true).start(this::loop);
  }

  private void loop() {
    while (running) {
      try {
        sweep();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("retention pass failed; trying again in {}: {}", interval, e.toString());
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * One pass: deletes everything past retention now, batch by batch. Passes do not overlap.
   *
   * @throws InterruptedException when the sweeper is closed during the pass
   */
  public Pass sweep() throws InterruptedException {
    passLock.lockInterruptibly();
    try {
      long started = System.nanoTime();
      Instant cutoff = clock.instant().minus(retention);
      long jobs = 0;
      long outputs = 0;
      int batches = 0;
      Optional<SqliteRetention.Position> after = Optional.empty();
      while (true) {
        List<SqliteRetention.Expired> batch = rows.expired(cutoff, after, BATCH);
        if (batch.isEmpty()) {
          break;
        }
        if (batches > 0 && pause.isPositive()) {
          Thread.sleep(pause);
        }
        int files = deleteOutputs(batch);
        int deleted = rows.delete(batch.stream().map(SqliteRetention.Expired::id).toList(), cutoff);
        deletedJobs.increment(deleted);
        deletedOutputs.increment(files);
        jobs += deleted;
        outputs += files;
        batches++;
        after = Optional.of(batch.getLast().position());
        if (batch.size() < BATCH) {
          break;
        }
      }
      Pass pass = new Pass(jobs, outputs, batches, Duration.ofNanos(System.nanoTime() - started));
      if (jobs > 0) {
        LOG.info(
            "retention: deleted {} job(s) and {} output(s) last updated before {} in {} ms",
            jobs,
            outputs,
            cutoff,
            pass.took().toMillis());
      }
      return pass;
    } finally {
      passLock.unlock();
    }
  }

  /** Deletes the outputs of a batch: the recorded key and the key a job's output is written at. */
  private int deleteOutputs(List<SqliteRetention.Expired> batch) {
    int deleted = 0;
    for (SqliteRetention.Expired job : batch) {
      Set<String> keys = new LinkedHashSet<>();
      if (job.outputKey() != null && FilePayloadStore.isValidKey(job.outputKey())) {
        keys.add(job.outputKey());
      }
      keys.add(InProcessJobExecutor.outputKey(job.id()));
      for (String key : keys) {
        if (payloads.delete(key)) {
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** Stops the background thread (a pass in progress stops between two steps). */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t == null) {
      return;
    }
    t.interrupt();
    try {
      t.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration");
    }
    return d;
  }
}
