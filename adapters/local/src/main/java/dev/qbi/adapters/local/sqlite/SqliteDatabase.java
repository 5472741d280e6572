package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.error.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded runtime's SQLite database (one file, WAL, {@code synchronous=FULL}).
 *
 * <p><b>Group commit.</b> Every write goes through one writer thread. It drains the queue of
 * pending writes and runs as many as are waiting (up to {@value #MAX_BATCH}) in one transaction,
 * each inside its own savepoint so that one failing write does not fail the others, then completes
 * each caller after {@code COMMIT}. {@link #write} therefore returns only once the change is
 * durable, yet one fsync serves a whole batch of callers.
 *
 * <p><b>Reads</b> use a small pool of separate query-only connections; WAL lets them run while the
 * writer writes.
 *
 * <p>{@link SQLException}s become {@link StorageException}s at this boundary.
 */
public final class SqliteDatabase implements AutoCloseable {

  /** The most writes committed in one transaction. */
  public static final int MAX_BATCH = 500;

  private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
  private static final int BUSY_TIMEOUT_MS = 10_000;
  private static final int READERS = 4;

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS jobs (
      id           TEXT    PRIMARY KEY,
      owner        TEXT    NOT NULL,
      status       TEXT    NOT NULL,
      submitted_at INTEGER NOT NULL,
      updated_at   INTEGER NOT NULL,
      attempts     INTEGER NOT NULL DEFAULT 0,
      payload_md5  TEXT,
      output_key   TEXT,
      error        TEXT,
      errors       TEXT,
      version      INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs (owner, submitted_at, id)",
    """
    CREATE TABLE IF NOT EXISTS queue (
      id            INTEGER PRIMARY KEY,
      job_id        TEXT    NOT NULL,
      owner         TEXT    NOT NULL,
      body          BLOB    NOT NULL,
      sent_at       INTEGER NOT NULL,
      visible_at    INTEGER NOT NULL,
      receive_count INTEGER NOT NULL DEFAULT 0,
      lease         TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS queue_by_visibility ON queue (visible_at)",
    """
    CREATE TABLE IF NOT EXISTS dead_letters (
      id            INTEGER PRIMARY KEY,
      job_id        TEXT    NOT NULL,
      owner         TEXT    NOT NULL,
      body          BLOB    NOT NULL,
      sent_at       INTEGER NOT NULL,
      receive_count INTEGER NOT NULL,
      reason        TEXT,
      dead_at       INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS dead_letters_by_job ON dead_letters (job_id)",
  };

  /**
   * A unit of database work. Statements come from the {@link Session}'s cache; do not close them.
   */
  @FunctionalInterface
  public interface Work<T> {
    T run(Session session) throws SQLException;
  }

  /** Counters of the writer, for metrics and tests. */
  public record Stats(long transactions, long writes, long failedWrites) {}

  private final Path file;
  private final Clock clock;
  private final Session writer;
  private final BlockingQueue<Session> readers;
  private final List<Session> allReaders;
  private final LinkedBlockingQueue<Pending<?>> pending = new LinkedBlockingQueue<>();
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final Thread writerThread;
  private final QueueSignal queueSignal;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private volatile boolean closed;

  private SqliteDatabase(
      Path file, Clock clock, Session writer, List<Session> readers, QueueSignal queueSignal) {
    this.file = file;
    this.queueSignal = queueSignal;
    this.clock = clock;
    this.writer = writer;
    this.allReaders = List.copyOf(readers);
    this.readers = new ArrayBlockingQueue<>(readers.size(), false, readers);
    this.writerThread =
        Thread.ofPlatform().name("sqlite-writer").daemon(false).unstarted(this::writerLoop);
  }

  /**
   * Opens (creating if needed) the database file and its schema, and starts the writer thread.
   *
   * @throws StorageException when the file cannot be opened or the schema created
   */
  public static SqliteDatabase open(Path file, Clock clock) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(clock, "clock");
    Path absolute = file.toAbsolutePath();
    List<Session> opened = new ArrayList<>();
    QueueSignal signal = new QueueSignal();
    try {
      if (absolute.getParent() != null) {
        Files.createDirectories(absolute.getParent());
      }
      String url = "jdbc:sqlite:" + absolute;
      SQLiteConfig writerConfig = new SQLiteConfig();
      writerConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
      writerConfig.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      writerConfig.setBusyTimeout(BUSY_TIMEOUT_MS);
      Session writer = new Session(writerConfig.createConnection(url), true, clock, signal);
      opened.add(writer);
      try (Statement s = writer.connection().createStatement()) {
        for (String ddl : SCHEMA) {
          s.execute(ddl);
        }
        SchemaUpgrades.apply(s);
      }
      List<Session> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        SQLiteConfig readerConfig = new SQLiteConfig();
        readerConfig.setBusyTimeout(BUSY_TIMEOUT_MS);
        Session reader = new Session(readerConfig.createConnection(url), false, clock, signal);
        opened.add(reader);
        try (Statement s = reader.connection().createStatement()) {
          s.execute("PRAGMA query_only = true");
        }
        readers.add(reader);
      }
      SqliteDatabase db = new SqliteDatabase(absolute, clock, writer, readers, signal);
      db.writerThread.start();
      LOG.info("opened database {}", absolute);
      return db;
    } catch (SQLException | IOException e) {
      opened.forEach(Session::closeQuietly);
      throw new StorageException("cannot open database " + absolute + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  public Clock clock() {
    return clock;
  }

  public boolean isClosed() {
    return closed;
  }

  public Stats stats() {
    return new Stats(transactions.get(), writes.get(), failedWrites.get());
  }

  /** Wakes receivers waiting in {@link SqliteJobQueue#receive}; shared by all adapters. */
  QueueSignal queueSignal() {
    return queueSignal;
  }

  /**
   * Runs {@code work} in the writer's next group-committed transaction and returns its result once
   * that transaction has committed.
   *
   * @throws StorageException when the work fails with an {@link SQLException}, the commit fails, or
   *     the database is closed
   * @throws RuntimeException thrown by {@code work} itself, unchanged (its changes are rolled back)
   */
  public <T> T write(Work<T> work) {
    CompletableFuture<T> future = writeAsync(work);
    try {
      return future.join();
    } catch (CompletionException e) {
      throw unwrap(e.getCause());
    }
  }

  /**
   * Like {@link #write} but interruptible: an interrupt stops the wait, not the write, which may
   * still commit.
   */
  public <T> T writeInterruptibly(Work<T> work) throws InterruptedException {
    CompletableFuture<T> future = writeAsync(work);
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  /**
   * Queues {@code work} for the writer. The future completes after the commit (exceptionally with a
   * {@link StorageException} or the work's own exception).
   */
  public <T> CompletableFuture<T> writeAsync(Work<T> work) {
    Objects.requireNonNull(work, "work");
    if (Thread.currentThread() == writerThread) {
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
   * Runs {@code work} on one of the read-only connections (each statement sees the latest commit).
   *
   * @throws StorageException when the work fails with an {@link SQLException} or the database is
   *     closed
   */
  public <T> T read(Work<T> work) {
    Objects.requireNonNull(work, "work");
    Session session = takeReader();
    try {
      return work.run(session);
    } catch (SQLException e) {
      throw storageFailure("read", e);
    } finally {
      readers.add(session);
    }
  }

  private Session takeReader() {
    if (closed) {
      throw new StorageException("database " + file + " is closed");
    }
    try {
      Session s;
      while ((s = readers.poll(100, TimeUnit.MILLISECONDS)) == null) {
        if (closed) {
          throw new StorageException("database " + file + " is closed");
        }
      }
      return s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for a database connection", e);
    }
  }

  /**
   * Stops accepting writes, commits those already queued, stops the writer and closes every
   * connection. Idempotent.
   */
  @Override
  public void close() {
    lifecycle.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      pending.add(Pending.stop());
    } finally {
      lifecycle.unlock();
    }
    queueSignal.wakeAll();
    boolean interrupted = false;
    while (writerThread.isAlive()) {
      try {
        writerThread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    writer.closeQuietly();
    // readers in use are returned to the pool when their work ends; wait briefly for them
    List<Session> returned = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (returned.size() < allReaders.size() && System.nanoTime() < deadline) {
      try {
        Session s = readers.poll(50, TimeUnit.MILLISECONDS);
        if (s != null) {
          returned.add(s);
        }
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    allReaders.forEach(Session::closeQuietly);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    LOG.info("closed database {} ({} transactions, {} writes)", file, transactions, writes);
  }

  // ---------------------------------------------------------------- writer

  private void writerLoop() {
    List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(pending.take());
        pending.drainTo(batch, MAX_BATCH - 1);
      } catch (InterruptedException e) {
        // only close() stops the writer; keep draining
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
    // close() enqueues the stop marker last, under the lifecycle lock: nothing can follow it
    List<Pending<?>> rest = new ArrayList<>();
    pending.drainTo(rest);
    StorageException closedFailure = new StorageException("database " + file + " is closed");
    rest.forEach(p -> p.future.completeExceptionally(closedFailure));
  }

  private void runBatch(List<Pending<?>> work) {
    try {
      writer.execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      failAll(work, storageFailure("begin", e));
      return;
    }
    List<Runnable> afterCommit = new ArrayList<>();
    for (Pending<?> p : work) {
      try {
        writer.execute("SAVEPOINT op");
      } catch (SQLException e) {
        abort(work, storageFailure("savepoint", e));
        return;
      }
      writer.startOperation();
      try {
        p.runOn(writer);
        writer.execute("RELEASE op");
        for (Runnable hook : writer.operationHooks()) {
          if (!afterCommit.contains(hook)) {
            afterCommit.add(hook);
          }
        }
      } catch (Throwable t) {
        p.failure = t;
        try {
          writer.execute("ROLLBACK TO op");
          writer.execute("RELEASE op");
        } catch (SQLException e) {
          // the whole transaction is gone (e.g. disk full): nothing in this batch committed
          abort(work, storageFailure("rollback", e));
          return;
        }
      }
    }
    try {
      writer.execute("COMMIT");
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
      writer.execute("ROLLBACK");
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

  private static RuntimeException unwrap(Throwable cause) {
    if (cause instanceof SQLException e) {
      return storageFailure("write", e);
    }
    if (cause instanceof RuntimeException e) {
      return e;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new StorageException("database write failed: " + cause, cause);
  }

  static StorageException storageFailure(String what, SQLException e) {
    return new StorageException("database " + what + " failed: " + e.getMessage(), e);
  }

  /** A write waiting for the writer. */
  private static final class Pending<T> {
    private final Work<T> work;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private T result;
    private Throwable failure;

    private Pending(Work<T> work) {
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
