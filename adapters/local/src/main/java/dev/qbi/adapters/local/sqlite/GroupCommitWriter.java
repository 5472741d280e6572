package dev.qbi.adapters.local.sqlite;

import static dev.qbi.adapters.local.sqlite.SqliteDatabase.MAX_BATCH;
import static dev.qbi.adapters.local.sqlite.SqliteDatabase.storageFailure;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.error.StorageUnavailableException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one thread that writes to {@link SqliteDatabase}, with group commit: it takes every pending
 * write (up to {@link SqliteDatabase#MAX_BATCH}) into one transaction and completes each write's
 * future only after {@code COMMIT}. Writes run back to back; should one throw, the transaction is
 * rolled back and the batch runs again with each write in its own savepoint, so that a failing
 * write fails alone (writes are therefore free of side effects outside the database). After-commit
 * hooks run once per transaction, after the futures.
 *
 * <p><b>Storage faults.</b> When a transaction cannot begin or commit (disk full, I/O error), its
 * writes fail with {@link StorageUnavailableException}, the connection is dropped (closing it rolls
 * back whatever the failure left open, and no cached statement of it is used again) and a fresh one
 * is opened for the next batch. While writes fail, the writer probes every {@link #PROBE_INTERVAL}
 * when idle (rewriting the one row of {@code writer_probe}), so {@link #health} turns writable
 * again by itself once the cause is gone, with or without traffic.
 */
final class GroupCommitWriter {

  /** How often a failing writer with nothing to do checks whether writes work again. */
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** Opens the writer's connection (again, after a failure). */
  @FunctionalInterface
  interface Opener {
    Session open() throws SQLException;
  }

  private final Path file;
  private final Opener opener;
  private final Clock clock;
  private final LinkedBlockingQueue<PendingWrite<?>> pending = new LinkedBlockingQueue<>();
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final Thread thread;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private volatile boolean closed;
  private final WriterHealth health;
  private volatile SQLException simulatedFailure;

  /** Written by the writer thread only (and closed after it ends); null while it cannot open. */
  private Session session;

  /**
   * A writer on {@code session} (the database's only writing connection); {@code opener} opens a
   * new one after a failure. Not started yet.
   */
  GroupCommitWriter(Path file, Session session, Opener opener) {
    this.file = file;
    this.session = session;
    this.opener = opener;
    this.clock = session.clock();
    this.health = new WriterHealth(clock);
    this.thread = Thread.ofPlatform().name("sqlite-writer").daemon(false).unstarted(this::loop);
  }

  void start() {
    thread.start();
  }

  /** Whether {@link #stop} was called: no write is accepted any more. */
  boolean isClosed() {
    return closed;
  }

  SqliteDatabase.Stats stats() {
    return new SqliteDatabase.Stats(transactions.get(), writes.get(), failedWrites.get());
  }

  WriterHealth.Health health() {
    return health.now();
  }

  /**
   * For tests of storage faults where no small filesystem can be made: while on, every commit fails
   * with {@code SQLITE_FULL} exactly as on a full disk (the same recovery path runs).
   */
  void simulateFullDisk(boolean on) {
    simulatedFailure =
        on
            ? new SQLiteException(
                "[SQLITE_FULL] simulated: database or disk is full", SQLiteErrorCode.SQLITE_FULL)
            : null;
  }

  /** See {@link SqliteDatabase#writeAsync}. */
  <T> CompletableFuture<T> submit(SqliteDatabase.Work<T> work) {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("a write cannot wait for another write: it would deadlock");
    }
    PendingWrite<T> p = new PendingWrite<>(work);
    lifecycle.lock();
    try {
      if (closed) {
        throw new StorageUnavailableException("database " + file + " is closed");
      }
      pending.add(p);
    } finally {
      lifecycle.unlock();
    }
    return p.future;
  }

  /**
   * Stops accepting writes; those already queued still commit, later ones fail.
   *
   * @return false when the writer was already stopped
   */
  boolean stop() {
    lifecycle.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      pending.add(PendingWrite.stop());
      return true;
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * After {@link #stop}: waits for the thread to commit what was queued and end, then closes the
   * connection. Interrupts do not cut the wait short.
   *
   * @return whether the wait was interrupted (the caller restores the interrupt)
   */
  boolean awaitStopped() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (session != null) {
      session.closeQuietly();
    }
    return interrupted;
  }

  private void loop() {
    List<PendingWrite<?>> batch = new ArrayList<>(MAX_BATCH);
    boolean stop = false;
    while (!stop) {
      try {
        PendingWrite<?> first =
            health.now().writable()
                ? pending.take()
                : pending.poll(PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        batch.add(first == null ? PendingWrite.probe() : first);
        pending.drainTo(batch, MAX_BATCH - 1);
      } catch (InterruptedException e) {
        // only stop() stops the writer; keep draining
        continue;
      }
      List<PendingWrite<?>> work = new ArrayList<>(batch.size());
      for (PendingWrite<?> p : batch) {
        if (p.isStop()) {
          stop = true;
        } else {
          work.add(p);
        }
      }
      batch.clear();
      if (!work.isEmpty()) {
        try {
          runBatch(work);
        } catch (Throwable t) {
          LOG.error("writer batch failed unexpectedly", t);
          StorageException failure =
              new StorageException("database write failed: " + t.getMessage(), t);
          work.forEach(p -> p.future.completeExceptionally(failure));
        }
      }
    }
    // stop() enqueues the stop marker last, under the lifecycle lock: nothing can follow it
    List<PendingWrite<?>> rest = new ArrayList<>();
    pending.drainTo(rest);
    StorageException closedFailure =
        new StorageUnavailableException("database " + file + " is closed");
    rest.forEach(p -> p.future.completeExceptionally(closedFailure));
  }

  private void runBatch(List<PendingWrite<?>> work) {
    if (session == null && !reopen()) {
      failAll(work, new StorageUnavailableException("cannot open database " + file));
      return;
    }
    if (!runTogether(work)) {
      runApart(work);
    }
  }

  /**
   * The usual case: every write of the batch in one transaction, no savepoints. When one write
   * throws, the whole transaction is rolled back and nothing is completed: the caller runs the
   * batch again with {@link #runApart}, where that write fails alone.
   *
   * @return false when the batch is to be run again apart; true when it is settled
   */
  private boolean runTogether(List<PendingWrite<?>> work) {
    if (!begin(work)) {
      return true;
    }
    List<Runnable> afterCommit = new ArrayList<>();
    for (PendingWrite<?> p : work) {
      session.startOperation();
      try {
        p.runOn(session);
        collectHooks(afterCommit);
      } catch (Throwable t) {
        try {
          session.execute("ROLLBACK");
        } catch (SQLException e) {
          abort(work, storageFailure("rollback", e));
          return true;
        }
        work.forEach(PendingWrite::reset);
        return false;
      }
    }
    commit(work, afterCommit);
    return true;
  }

  /** Each write in its own savepoint, so that a failing write does not fail the others. */
  private void runApart(List<PendingWrite<?>> work) {
    if (!begin(work)) {
      return;
    }
    List<Runnable> afterCommit = new ArrayList<>();
    for (PendingWrite<?> p : work) {
      try {
        session.execute("SAVEPOINT op");
      } catch (SQLException e) {
        abort(work, storageFailure("savepoint", e));
        return;
      }
      session.startOperation();
      try {
        p.runOn(session);
        session.execute("RELEASE op");
        collectHooks(afterCommit);
      } catch (Throwable t) {
        p.failure = t;
        try {
          session.execute("ROLLBACK TO op");
          session.execute("RELEASE op");
        } catch (SQLException e) {
          // the whole transaction is gone (e.g. disk full): nothing in this batch committed
          abort(work, storageFailure("rollback", e));
          return;
        }
      }
    }
    commit(work, afterCommit);
  }

  private boolean begin(List<PendingWrite<?>> work) {
    try {
      session.execute("BEGIN IMMEDIATE");
      return true;
    } catch (SQLException e) {
      abort(work, storageFailure("begin", e));
      return false;
    }
  }

  private void collectHooks(List<Runnable> afterCommit) {
    for (Runnable hook : session.operationHooks()) {
      if (!afterCommit.contains(hook)) {
        afterCommit.add(hook);
      }
    }
  }

  /** Commits, then completes each write's future and runs the after-commit hooks once. */
  private void commit(List<PendingWrite<?>> work, List<Runnable> afterCommit) {
    try {
      SQLException simulated = simulatedFailure;
      if (simulated != null) {
        throw simulated;
      }
      session.execute("COMMIT");
    } catch (SQLException e) {
      abort(work, storageFailure("commit", e));
      return;
    }
    transactions.incrementAndGet();
    writes.addAndGet(work.size());
    StorageException unavailable = null;
    for (PendingWrite<?> p : work) {
      if (p.failure != null) {
        failedWrites.incrementAndGet();
        if (p.failure instanceof SQLException e
            && storageFailure("write", e) instanceof StorageUnavailableException u) {
          unavailable = u;
        }
      }
      p.complete();
    }
    // a write refused for want of space fails alone, yet the storage is not writable
    if (unavailable != null) {
      health.failing(unavailable);
    } else {
      health.writable();
    }
    for (Runnable hook : afterCommit) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        LOG.warn("after-commit hook failed", e);
      }
    }
  }

  /**
   * The transaction failed in a way that leaves its state unknown (a failed {@code COMMIT} may
   * leave it open, and the failed connection's cached statements may not run again): drop the
   * connection, which rolls back whatever is open, and open a fresh one.
   */
  private void abort(List<PendingWrite<?>> work, StorageException failure) {
    session.closeQuietly();
    session = null;
    reopen();
    failAll(work, failure);
  }

  private boolean reopen() {
    try {
      session = opener.open();
      return true;
    } catch (SQLException e) {
      LOG.debug("cannot reopen the writer's connection: {}", e.getMessage());
      return false;
    }
  }

  private void failAll(List<PendingWrite<?>> work, StorageException failure) {
    failedWrites.addAndGet(work.size());
    for (PendingWrite<?> p : work) {
      p.future.completeExceptionally(p.failure != null ? p.failure : failure);
    }
    health.failing(failure);
  }
}
