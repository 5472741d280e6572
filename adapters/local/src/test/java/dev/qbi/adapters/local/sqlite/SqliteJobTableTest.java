package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.contract.JobTableContract;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJobTableTest extends JobTableContract {

  @TempDir Path dir;
  private SqliteDatabase db;

  @Override
  protected JobTable createTable(MutableClock clock) {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    return new SqliteJobTable(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void jobs_and_their_changes_survive_a_restart() {
    Job job = stored(ALICE);
    advanced(job, JobStatus.PROCESSING);

    db.close();
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    SqliteJobTable reopened = new SqliteJobTable(db);

    assertThat(reopened.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(reopened.listByOwner(ALICE, Optional.empty(), 10, Optional.empty()).items())
        .hasSize(1);
  }

  @Test
  void a_database_of_the_previous_release_is_upgraded_in_place() throws Exception {
    db.close();
    Path old = dir.resolve("old.db");
    String id = "0b0e1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b";
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE jobs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, status TEXT NOT NULL,"
              + " submitted_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
              + " attempts INTEGER NOT NULL DEFAULT 0, payload_md5 TEXT, output_key TEXT,"
              + " error TEXT) WITHOUT ROWID");
      st.execute(
          "INSERT INTO jobs VALUES ('"
              + id
              + "', 'alice-sub', 'processing', 1, 2, 1, 'md5', NULL, 'E: first attempt')");
    }

    db = SqliteDatabase.open(old, clock);
    SqliteJobTable upgraded = new SqliteJobTable(db);

    Job job = upgraded.find(JobId.parse(id)).orElseThrow();
    assertThat(job.version()).isZero();
    assertThat(job.errors()).containsExactly("E: first attempt");
    Job failed = job.next(JobStatus.FAILED, clock.instant(), 2, null, "E: second attempt");
    assertThat(upgraded.update(failed)).isTrue();
    assertThat(upgraded.find(job.id()).orElseThrow().errors())
        .containsExactly("E: first attempt", "E: second attempt");
    db.close();
    db = SqliteDatabase.open(old, clock);
    assertThat(new SqliteJobTable(db).find(job.id()).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void a_hand_edited_cursor_is_refused() {
    stored(ALICE);
    stored(ALICE);
    Page<Job> first = table.listByOwner(ALICE, Optional.empty(), 1, Optional.empty());
    String decoded =
        new String(
            Base64.getUrlDecoder().decode(first.next().orElseThrow()), StandardCharsets.UTF_8);

    for (String edited :
        List.of(
            decoded.replace("v1:", "v2:"),
            decoded + "' OR 1=1 --",
            decoded.replaceFirst(":[0-9]+:", ":12x:"))) {
      String cursor =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(edited.getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> table.listByOwner(ALICE, Optional.empty(), 10, Optional.of(cursor)))
          .isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void a_limit_below_one_is_refused() {
    assertThatThrownBy(() -> table.listByOwner(ALICE, Optional.empty(), 0, Optional.empty()))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void a_full_last_page_has_no_next_token() {
    stored(ALICE);
    stored(ALICE);

    Page<Job> page = table.listByOwner(ALICE, Optional.empty(), 2, Optional.empty());

    assertThat(page.items()).hasSize(2);
    assertThat(page.next()).isEmpty();
  }
}
