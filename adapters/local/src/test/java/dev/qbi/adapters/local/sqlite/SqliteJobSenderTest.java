package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.contract.JobSenderContract;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.testing.MutableClock;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite queue as a sender: the shared contract. */
class SqliteJobSenderTest extends JobSenderContract {

  @TempDir Path dir;
  private SqliteDatabase db;

  @Override
  protected JobQueue createQueue(MutableClock clock) {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    return new SqliteJobQueue(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }
}
