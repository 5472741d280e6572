package dev.qbi.identity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The tables of {@code identity.db} (users, refresh tokens, counters) and their in-place upgrade:
 * databases made before usernames were normalised get the {@code username_key} column (filled with
 * the {@linkplain Usernames normalised} name of every existing row, so old rows are found by the
 * new lookup) and the {@code enabled} column (every existing user enabled).
 */
final class IdentitySchema {
  private IdentitySchema() {}

  static void apply(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA busy_timeout=5000");
      s.execute("PRAGMA foreign_keys=ON");
      s.execute(
          """
          CREATE TABLE IF NOT EXISTS users (
            username TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            sub TEXT NOT NULL UNIQUE,
            attributes TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 0,
            code_hash TEXT,
            code_expires_at INTEGER,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            username_key TEXT,
            enabled INTEGER NOT NULL DEFAULT 1)""");
      s.execute(
          """
          CREATE TABLE IF NOT EXISTS refresh_tokens (
            token_hash TEXT NOT NULL PRIMARY KEY,
            sub TEXT NOT NULL,
            client_id TEXT NOT NULL,
            auth_time INTEGER NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER)""");
      s.execute("CREATE INDEX IF NOT EXISTS refresh_tokens_by_sub ON refresh_tokens(sub)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS counters (name TEXT NOT NULL PRIMARY KEY,"
              + " value INTEGER NOT NULL)");
      Set<String> columns = columns(c, "users");
      if (!columns.contains("username_key")) {
        s.execute("ALTER TABLE users ADD COLUMN username_key TEXT");
      }
      if (!columns.contains("enabled")) {
        s.execute("ALTER TABLE users ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1");
      }
      fillUsernameKeys(c);
      // not unique: two rows of an older database may normalise alike (the first created wins)
      s.execute("CREATE INDEX IF NOT EXISTS users_by_key ON users(username_key)");
    }
  }

  private static Set<String> columns(Connection c, String table) throws SQLException {
    Set<String> names = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        names.add(rs.getString("name"));
      }
    }
    return names;
  }

  private static void fillUsernameKeys(Connection c) throws SQLException {
    Map<String, String> keys = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT username FROM users WHERE username_key IS NULL")) {
      while (rs.next()) {
        String username = rs.getString(1);
        keys.put(username, Usernames.normalize(username));
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    c.setAutoCommit(false);
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE users SET username_key = ? WHERE username = ?")) {
      for (Map.Entry<String, String> e : keys.entrySet()) {
        ps.setString(1, e.getValue());
        ps.setString(2, e.getKey());
        ps.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }
}
