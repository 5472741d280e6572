package dev.qbi.adapters.local.sqlite;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database made by an earlier release up to the current schema, in place, at start. Each
 * step checks what is there, so running it again changes nothing.
 */
final class SchemaUpgrades {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaUpgrades.class);

  private SchemaUpgrades() {}

  static void apply(Statement s) throws SQLException {
    Set<String> jobColumns = columns(s, "jobs");
    if (!jobColumns.contains("version")) {
      // jobs carry a version (conditional writes) and the errors of their last attempts
      s.execute("ALTER TABLE jobs ADD COLUMN errors TEXT");
      s.execute("ALTER TABLE jobs ADD COLUMN version INTEGER NOT NULL DEFAULT 0");
      s.execute("UPDATE jobs SET errors = json_array(error) WHERE error IS NOT NULL");
      LOG.info("database upgraded: jobs now carry a version and their attempts' errors");
    }
    if (!jobColumns.contains("redriven_at")) {
      // cancellation of running jobs and redrives from the dead letters
      s.execute("ALTER TABLE jobs ADD COLUMN cancel_requested_at INTEGER");
      s.execute("ALTER TABLE jobs ADD COLUMN redriven_at INTEGER");
      LOG.info("database upgraded: jobs now record cancel requests and redrives");
    }
    if (!jobColumns.contains("earlier_attempts")) {
      s.execute("ALTER TABLE jobs ADD COLUMN earlier_attempts INTEGER NOT NULL DEFAULT 0");
      LOG.info("database upgraded: jobs count their attempts across redrives");
    }
  }

  private static Set<String> columns(Statement s, String table) throws SQLException {
    Set<String> out = new HashSet<>();
    try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        out.add(rs.getString("name"));
      }
    }
    return out;
  }
}
