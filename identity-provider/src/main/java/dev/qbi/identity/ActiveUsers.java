package dev.qbi.identity;

import dev.qbi.core.error.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether a user may still use its tokens: it exists, is confirmed and is enabled. It reads through
 * its own read-only connection to {@code identity.db} (WAL: readers never wait for the writer), so
 * the API's token check never queues behind the pool's writes, such as a login flood's. Answers are
 * cached briefly so the check costs no read per request; the pool forgets a user's entry as soon as
 * it deletes or disables it, so in this process the change takes effect at once.
 */
final class ActiveUsers implements AutoCloseable {
  private static final int MAX_ENTRIES = 10_000;

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();

  private record Entry(boolean active, long expiresAtNanos) {}

  private ActiveUsers(Connection connection, Duration ttl) {
    this.connection = connection;
    this.ttlNanos = ttl.toNanos();
  }

  /** Reads {@code file} (whose tables {@link IdentityStore} made) on a connection of its own. */
  static ActiveUsers open(Path file, Duration ttl) {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("PRAGMA query_only=1");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return new ActiveUsers(c, ttl);
    } catch (SQLException e) {
      throw new StorageException("cannot open identity database " + file + " for reading", e);
    }
  }

  boolean isActive(String sub) {
    long now = System.nanoTime();
    Entry e = cache.get(sub);
    if (e != null && now - e.expiresAtNanos() < 0) {
      return e.active();
    }
    long before = changes.get();
    boolean active = read(sub);
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
    if (changes.get() == before) {
      // not if a user changed meanwhile: the read may predate it
      cache.put(sub, new Entry(active, now + ttlNanos));
    }
    return active;
  }

  /** Drops what is known about {@code sub} (deleted, disabled or enabled just now). */
  void forget(String sub) {
    changes.incrementAndGet();
    cache.remove(sub);
  }

  private boolean read(String sub) {
    lock.lock();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT 1 FROM users WHERE sub = ? AND confirmed = 1 AND enabled = 1")) {
      ps.setString(1, sub);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StorageException("identity database read failed", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StorageException("cannot close identity database", e);
    } finally {
      lock.unlock();
    }
  }
}
