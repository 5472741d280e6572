package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qbi.core.error.StorageUnavailableException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.SmallFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the database: writes fail with {@link StorageUnavailableException} and the
 * health says so, reads keep working, and once space is back the writer recovers by itself, with no
 * write needed to notice, and nothing acknowledged earlier is lost. On a real tmpfs when the test
 * may mount one, else through the simulated fault (same recovery path).
 */
class StorageFaultTest {
  private static final Owner OWNER = new Owner("user-1");
  private static final byte[] BODY = new byte[2_000];

  @TempDir Path dir;

  /** How the disk becomes full and free again. */
  private interface Fault {
    void fill() throws IOException;

    void free() throws IOException;
  }

  @Test
  void on_a_full_tmpfs_writes_fail_cleanly_and_recover_once_space_is_back() throws Exception {
    SmallFilesystem.Attempt attempt = SmallFilesystem.mount(dir.resolve("small"), 8);
    assumeTrue(attempt.mounted() != null, () -> "no tmpfs for this test: " + attempt.whyNot());
    try (SmallFilesystem fs = attempt.mounted()) {
      SqliteDatabase db = SqliteDatabase.open(fs.dir().resolve("ingest.db"), Clock.systemUTC());
      try {
        exercise(
            db,
            new Fault() {
              @Override
              public void fill() throws IOException {
                fs.fill();
              }

              @Override
              public void free() throws IOException {
                fs.free();
              }
            });
      } finally {
        db.close();
      }
    }
  }

  @Test
  void with_simulated_full_disk_writes_fail_cleanly_and_recover() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("ingest.db"), Clock.systemUTC())) {
      exercise(
          db,
          new Fault() {
            @Override
            public void fill() {
              db.simulateFullDisk(true);
            }

            @Override
            public void free() {
              db.simulateFullDisk(false);
            }
          });
    }
  }

  private static void exercise(SqliteDatabase db, Fault fault) throws Exception {
    SqliteJobQueue queue = new SqliteJobQueue(db);
    SqliteJobIntake intake = new SqliteJobIntake(db, queue);
    SqliteJobTable table = new SqliteJobTable(db);
    List<JobId> acknowledged = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      acknowledged.add(accept(intake));
    }
    assertThat(db.writeHealth().writable()).isTrue();

    fault.fill();
    // several rounds: the first failure must not wedge the writer for the next ones
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> accept(intake))
          .as("write %d on a full disk", i)
          .isInstanceOf(StorageUnavailableException.class);
    }
    SqliteDatabase.WriteHealth failing = db.writeHealth();
    assertThat(failing.writable()).isFalse();
    assertThat(failing.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("SQLITE_"));
    // reads keep working, and see every job acknowledged before
    for (JobId id : acknowledged) {
      assertThat(table.find(id)).as("job %s", id).isPresent();
    }
    assertThat(queue.depth()).isEqualTo(acknowledged.size());

    fault.free();
    // no write from anyone: the writer notices by itself
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!db.writeHealth().writable() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(db.writeHealth().writable()).as("writable again without a restart").isTrue();
    for (int i = 0; i < 20; i++) {
      acknowledged.add(accept(intake));
    }
    for (JobId id : acknowledged) {
      assertThat(table.find(id)).as("job %s", id).isPresent();
    }
    assertThat(queue.depth()).isEqualTo(acknowledged.size());
  }

  private static JobId accept(SqliteJobIntake intake) {
    JobId id = JobId.random();
    var now = java.time.Instant.now();
    intake.accept(Job.submitted(id, OWNER, "md5", now), new JobMessage(id, OWNER, BODY, now));
    return id;
  }
}
