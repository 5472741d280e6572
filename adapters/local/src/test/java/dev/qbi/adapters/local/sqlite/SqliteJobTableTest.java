package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.contract.JobTableContract;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    table.transition(job.id(), JobStatus.SUBMITTED, to(JobStatus.PROCESSING));

    db.close();
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    SqliteJobTable reopened = new SqliteJobTable(db);

    assertThat(reopened.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(reopened.listByOwner(ALICE, Optional.empty(), 10, Optional.empty()).items())
        .hasSize(1);
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
