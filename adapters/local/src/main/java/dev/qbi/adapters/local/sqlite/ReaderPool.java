package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.error.StorageUnavailableException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The query-only connections of {@link SqliteDatabase}: each read borrows one, waiting while all
 * are in use, and gives it back when its work ends. WAL lets them read while the writer writes.
 */
final class ReaderPool {

  private final Path file;
  private final BlockingQueue<Session> idle;
  private final List<Session> all;
  private final BooleanSupplier closed;

  /**
   * @param closed whether the database is closed: reads are refused from then on
   */
  ReaderPool(Path file, List<Session> readers, BooleanSupplier closed) {
    this.file = file;
    this.all = List.copyOf(readers);
    this.idle = new ArrayBlockingQueue<>(readers.size(), false, readers);
    this.closed = closed;
  }

  /** See {@link SqliteDatabase#read}. */
  <T> T read(SqliteDatabase.Work<T> work) {
    Session session = take();
    try {
      return work.run(session);
    } catch (SQLException e) {
      throw SqliteDatabase.storageFailure("read", e);
    } finally {
      idle.add(session);
    }
  }

  private Session take() {
    if (closed.getAsBoolean()) {
      throw new StorageUnavailableException("database " + file + " is closed");
    }
    try {
      Session s;
      while ((s = idle.poll(100, TimeUnit.MILLISECONDS)) == null) {
        if (closed.getAsBoolean()) {
          throw new StorageUnavailableException("database " + file + " is closed");
        }
      }
      return s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for a database connection", e);
    }
  }

  /**
   * Waits up to 5 seconds for the connections in use to come back, then closes every connection.
   * Call once the database is closed.
   *
   * @return whether the wait was interrupted (the caller restores the interrupt)
   */
  boolean close() {
    boolean interrupted = false;
    List<Session> returned = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (returned.size() < all.size() && System.nanoTime() < deadline) {
      try {
        Session s = idle.poll(50, TimeUnit.MILLISECONDS);
        if (s != null) {
          returned.add(s);
        }
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    all.forEach(Session::closeQuietly);
    return interrupted;
  }
}
