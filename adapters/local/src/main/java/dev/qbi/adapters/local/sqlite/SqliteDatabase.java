package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.error.StorageUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded runtime's SQLite database (one file, WAL, {@code synchronous=FULL}).
 *
 * <p><b>Group commit.</b> Every write goes through one writer thread ({@link GroupCommitWriter}).
 * It drains the queue of pending writes and runs as many as are waiting (up to {@value #MAX_BATCH})
 * in one transaction, each inside its own savepoint so that one failing write does not fail the
 * others, then completes each caller after {@code COMMIT}. {@link #write} therefore returns only
 * once the change is durable, yet one fsync serves a whole batch of callers.
 *
 * <p><b>Reads</b> use a small pool of separate query-only connections ({@link ReaderPool}); WAL
 * lets them run while the writer writes.
 *
 * <p><b>Faults.</b> {@link SQLException}s become {@link StorageException}s at this boundary: {@link
 * StorageUnavailableException} when the storage cannot take writes for now (disk full, I/O error,
 * busy, read-only, or the database closed), so callers can tell "retry later" from a bug. A failed
 * transaction is rolled back and the writer recovers by itself once the cause is gone; {@link
 * #writeHealth} tells whether writes work right now.
 *
 * <p>The tables are those of {@link SqliteSchema}.
 */
public final class SqliteDatabase implements AutoCloseable {

  /** The most writes committed in one transaction. */
  public static final int MAX_BATCH = 500;

  private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
  private static final int BUSY_TIMEOUT_MS = 10_000;
  private static final int READERS = 4;

  /** SQLite's primary result codes after which writes may work again later. */
  private static final Set<Integer> TRANSIENT_CODES =
      Set.of(
          5, // SQLITE_BUSY
          6, // SQLITE_LOCKED
          7, // SQLITE_NOMEM
          8, // SQLITE_READONLY
          10, // SQLITE_IOERR
          13, // SQLITE_FULL
          14 // SQLITE_CANTOPEN
          );

  /**
   * A unit of database work. Statements come from the {@link Session}'s cache; do not close them. A
   * write may run twice (again in its own savepoint when another write of its batch failed), so it
   * does nothing outside the database; {@link Session#afterCommit} is for what follows a commit.
   */
  @FunctionalInterface
  public interface Work<T> {
    T run(Session session) throws SQLException;
  }

  /** Counters of the writer, for metrics and tests. */
  public record Stats(long transactions, long writes, long failedWrites) {}

  /**
   * Whether writes work right now.
   *
   * @param problem while not writable: the SQLite result code of the failure (e.g. {@code
   *     SQLITE_FULL}), nothing that names a file or a value
   * @param since when writes started failing, or last recovered
   */
  public record WriteHealth(boolean writable, Optional<String> problem, Instant since) {}

  private final Path file;
  private final Clock clock;
  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final QueueSignal queueSignal;

  private SqliteDatabase(
      Path file,
      Clock clock,
      Session writer,
      GroupCommitWriter.Opener opener,
      List<Session> readers,
      QueueSignal queueSignal) {
    this.file = file;
    this.queueSignal = queueSignal;
    this.clock = clock;
    this.writer = new GroupCommitWriter(file, writer, opener);
    this.readers = new ReaderPool(file, readers, this.writer::isClosed);
  }

  /**
   * Opens (creating if needed) the database file and its schema, and starts the writer thread. An
   * existing file is checked first ({@code PRAGMA quick_check}).
   *
   * @throws DamagedDatabaseException when the file is not a database or fails the check
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
      GroupCommitWriter.Opener opener =
          () -> new Session(writerConfig.createConnection(url), true, clock, signal);
      Session writer = opener.open();
      opened.add(writer);
      requireIntact(absolute, writer.connection());
      SqliteSchema.create(writer.connection());
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
      SqliteDatabase db = new SqliteDatabase(absolute, clock, writer, opener, readers, signal);
      db.writer.start();
      LOG.info("opened database {}", absolute);
      return db;
    } catch (SQLException | IOException e) {
      opened.forEach(Session::closeQuietly);
      if (e instanceof SQLException sql && isDamage(sql)) {
        throw new DamagedDatabaseException(absolute, firstLine(sql.getMessage()), e);
      }
      throw new StorageException("cannot open database " + absolute + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      opened.forEach(Session::closeQuietly);
      throw e;
    }
  }

  /**
   * Checks an existing SQLite file of the data dir (another store's, such as the identity
   * provider's) the way {@link #open} checks its own; a missing file is left alone.
   *
   * @throws DamagedDatabaseException when it is not a database or fails {@code PRAGMA quick_check}
   */
  public static void requireIntact(Path file) {
    Path absolute = file.toAbsolutePath();
    if (!Files.exists(absolute)) {
      return;
    }
    try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + absolute)) {
      requireIntact(absolute, c);
    } catch (SQLException e) {
      if (isDamage(e)) {
        throw new DamagedDatabaseException(absolute, firstLine(e.getMessage()), e);
      }
      throw new StorageException("cannot open database " + absolute + ": " + e.getMessage(), e);
    }
  }

  private static void requireIntact(Path file, Connection c) throws SQLException {
    long start = System.nanoTime();
    List<String> problems = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA quick_check(3)")) {
      while (rs.next()) {
        problems.add(rs.getString(1));
      }
    }
    if (!problems.equals(List.of("ok"))) {
      // one line: quick_check's rows may hold line breaks of their own
      String detail = String.join("; ", problems).replaceAll("\\s*\\R\\s*", "; ");
      throw new DamagedDatabaseException(file, detail, null);
    }
    LOG.debug("quick_check of {}: ok in {} ms", file, (System.nanoTime() - start) / 1_000_000);
  }

  /** SQLITE_CORRUPT (11) or SQLITE_NOTADB (26): the file itself is damaged. */
  private static boolean isDamage(SQLException e) {
    int primary = e.getErrorCode() & 0xff;
    return primary == 11 || primary == 26;
  }

  private static String firstLine(String text) {
    String t = String.valueOf(text);
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  public Path file() {
    return file;
  }

  public Clock clock() {
    return clock;
  }

  public boolean isClosed() {
    return writer.isClosed();
  }

  public Stats stats() {
    return writer.stats();
  }

  /** Whether writes work right now (see the class comment on faults). */
  public WriteHealth writeHealth() {
    WriterHealth.Health h = writer.health();
    return new WriteHealth(h.writable(), Optional.ofNullable(h.problem()), h.since());
  }

  /**
   * A testing aid for storage faults where the test cannot make a small filesystem: while on, every
   * commit fails with {@code SQLITE_FULL}, as on a full disk, through the same recovery path.
   */
  public void simulateFullDisk(boolean on) {
    writer.simulateFullDisk(on);
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
    return writer.submit(work);
  }

  /**
   * Runs {@code work} on one of the read-only connections (each statement sees the latest commit).
   *
   * @throws StorageException when the work fails with an {@link SQLException} or the database is
   *     closed
   */
  public <T> T read(Work<T> work) {
    Objects.requireNonNull(work, "work");
    return readers.read(work);
  }

  /**
   * Stops accepting writes, commits those already queued, stops the writer and closes every
   * connection. Idempotent.
   */
  @Override
  public void close() {
    if (!writer.stop()) {
      return;
    }
    queueSignal.wakeAll();
    boolean interrupted = writer.awaitStopped();
    // readers in use are returned to the pool when their work ends; wait briefly for them
    interrupted |= readers.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Stats stats = writer.stats();
    LOG.info(
        "closed database {} ({} transactions, {} writes)",
        file,
        stats.transactions(),
        stats.writes());
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

  /** {@link StorageUnavailableException} for the codes after which writes may work later. */
  static StorageException storageFailure(String what, SQLException e) {
    String message = "database " + what + " failed: " + e.getMessage();
    return TRANSIENT_CODES.contains(e.getErrorCode() & 0xff)
        ? new StorageUnavailableException(message, e)
        : new StorageException(message, e);
  }
}
