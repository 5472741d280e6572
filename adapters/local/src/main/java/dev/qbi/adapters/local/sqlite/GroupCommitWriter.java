package dev.qbi.adapters.local.sqlite;

import static dev.qbi.adapters.local.sqlite.SqliteDatabase.MAX_BATCH;
import static dev.qbi.adapters.local.sqlite.SqliteDatabase.storageFailure;

import dev.qbi.core.error.StorageException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to {@link SqliteDatabase}, with group commit: it takes every pending
 * write (up to {@link SqliteDatabase#MAX_BATCH}) into one transaction, runs each in its own
 * savepoint so that a failing write does not fail the others, and completes each write's future
 * only after {@code COMMIT}. After-commit hooks run once per transaction, after the futures.
 */
final class GroupCommitWriter {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  private final Path file;
  private final Session session;
  private final LinkedBlockingQueue<Pending<?>> pending = new LinkedBlockingQueue<>();
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final Thread thread;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private volatile boolean closed;

  /** A writer on {@code session} (the database's only writing connection); not started yet. */
  GroupCommitWriter(Path file, Session session) {
    this.file = file;
    this.session = session;
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

  /** See {@link SqliteDatabase#writeAsync}. */
  <T> CompletableFuture<T> submit(SqliteDatabase.Work<T> work) {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("a write cannot wait for another write: it would deadlock");
    }
    Pending<T> p = new Pending<>(work);
    lifecycle.lock();
    try {
      if (closed) {
        throw new StorageException("database " + file + " is closed");
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
      pending.add(Pending.stop());
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
    session.closeQuietly();
    return interrupted;
  }

  private void loop() {
    List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(pending.take());
        pending.drainTo(batch, MAX_BATCH - 1);
      } catch (InterruptedException e) {
        // only stop() stops the writer; keep draining
        continue;
      }
      List<Pending<?>> work = new ArrayList<>(batch.size());
      for (Pending<?> p : batch) {
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
    List<Pending<?>> rest = new ArrayList<>();
    pending.drainTo(rest);
    StorageException closedFailure = new StorageException("database " + file + " is closed");
    rest.forEach(p -> p.future.completeExceptionally(closedFailure));
  }

  private void runBatch(List<Pending<?>> work) {
    try {
      session.execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      failAll(work, storageFailure("begin", e));
      return;
    }
    List<Runnable> afterCommit = new ArrayList<>();
    for (Pending<?> p : work) {
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
        for (Runnable hook : session.operationHooks()) {
          if (!afterCommit.contains(hook)) {
            afterCommit.add(hook);
          }
        }
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
    try {
      session.execute("COMMIT");
    } catch (SQLException e) {
      abort(work, storageFailure("commit", e));
      return;
    }
    transactions.incrementAndGet();
    writes.addAndGet(work.size());
    for (Pending<?> p : work) {
      if (p.failure != null) {
        failedWrites.incrementAndGet();
      }
      p.complete();
    }
    for (Runnable hook : afterCommit) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        LOG.warn("after-commit hook failed", e);
      }
    }
  }

  private void abort(List<Pending<?>> work, StorageException failure) {
    try {
      session.execute("ROLLBACK");
    } catch (SQLException e) {
      LOG.debug("rollback after a failed batch: {}", e.getMessage());
    }
    failAll(work, failure);
  }

  private void failAll(List<Pending<?>> work, StorageException failure) {
    LOG.error("write transaction of {} operation(s) failed: {}", work.size(), failure.getMessage());
    failedWrites.addAndGet(work.size());
    for (Pending<?> p : work) {
      p.future.completeExceptionally(p.failure != null ? p.failure : failure);
    }
  }

  /** A write waiting for the writer. */
  private static final class Pending<T> {
    private final SqliteDatabase.Work<T> work;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private T result;
    private Throwable failure;

    private Pending(SqliteDatabase.Work<T> work) {
      this.work = work;
    }

    static Pending<Void> stop() {
      return new Pending<>(null);
    }

    boolean isStop() {
      return work == null;
    }

    void runOn(Session session) throws SQLException {
      result = work.run(session);
    }

    void complete() {
      if (failure == null) {
        future.complete(result);
      } else {
        future.completeExceptionally(failure);
      }
    }
  }
}
