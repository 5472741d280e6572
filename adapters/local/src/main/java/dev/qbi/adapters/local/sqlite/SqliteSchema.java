package dev.qbi.adapters.local.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of {@link SqliteDatabase}: {@code jobs}, the {@code queue} of pending messages and its
 * {@code dead_letters}, with their indexes (among them {@code jobs_expiry}, terminal jobs by age,
 * for {@link SqliteRetention}), and {@code writer_probe} (one row the writer rewrites, after a
 * failed transaction, to find out whether writes work again). Created if missing when the database
 * opens; existing tables are left as they are.
 */
final class SqliteSchema {

  private static final String[] DDL = {
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
      version      INTEGER NOT NULL DEFAULT 0,
      cancel_requested_at INTEGER,
      redriven_at  INTEGER,
      earlier_attempts INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs (owner, submitted_at, id)",
    // terminal jobs by age, for retention; running jobs are not in it, so intake does not pay
    "CREATE INDEX IF NOT EXISTS jobs_expiry ON jobs (updated_at, id) WHERE "
        + SqliteRetention.TERMINAL,
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
    """
    CREATE TABLE IF NOT EXISTS writer_probe (
      id        INTEGER PRIMARY KEY CHECK (id = 1),
      probed_at INTEGER NOT NULL
    )""",
  };

  private SqliteSchema() {}

  /** Creates the tables and indexes that do not exist yet, on the writer's connection. */
  static void create(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
      SchemaUpgrades.apply(s);
    }
  }
}
