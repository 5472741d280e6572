package dev.qbi.adapters.local.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection as {@link SqliteDatabase.Work} sees it: cached prepared statements, and (on the
 * writer) hooks to run once the surrounding transaction has committed. Used by one thread at a
 * time.
 */
public final class Session {

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final List<Runnable> hooks = new ArrayList<>();
  private final boolean writer;
  private final Clock clock;
  private final QueueSignal signal;

  Session(Connection connection, boolean writer, Clock clock, QueueSignal signal) {
    this.connection = connection;
    this.writer = writer;
    this.clock = clock;
    this.signal = signal;
  }

  /** The database's clock. */
  public Clock clock() {
    return clock;
  }

  /** The hook that wakes waiting queue receivers (one instance, so once per transaction). */
  Runnable wakeReceivers() {
    return signal.wakeHook;
  }

  /**
   * A prepared statement for {@code sql}, prepared once per connection and reused. Its parameters
   * are cleared; do not close it (closing its result sets is enough).
   */
  public PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null || ps.isClosed()) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    } else {
      ps.clearParameters();
    }
    return ps;
  }

  /** The raw connection, for statements not worth caching. Do not change its transaction state. */
  public Connection connection() {
    return connection;
  }

  /**
   * Runs {@code hook} after the current write transaction commits (once per transaction for the
   * same hook instance). Discarded when this write fails. Writer only.
   */
  public void afterCommit(Runnable hook) {
    if (!writer) {
      throw new IllegalStateException("afterCommit is for writes only");
    }
    hooks.add(hook);
  }

  void execute(String sql) throws SQLException {
    prepare(sql).execute();
  }

  void startOperation() {
    hooks.clear();
  }

  List<Runnable> operationHooks() {
    return hooks;
  }

  void closeQuietly() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    statements.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
