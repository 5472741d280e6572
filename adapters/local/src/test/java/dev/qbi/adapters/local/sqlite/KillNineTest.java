package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.JobId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a JVM that is writing (SIGKILL, no shutdown hooks) and checks every answered write. */
class KillNineTest {

  @TempDir Path dir;

  @Test
  void every_accepted_job_is_there_after_kill_minus_nine() throws Exception {
    Path file = dir.resolve("ingest.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CrashingIntake.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<JobId> acknowledged = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).isEqualTo("ready");
      String line;
      while (acknowledged.size() < 2000 && (line = in.readLine()) != null) {
        if (line.startsWith("ok ")) {
          acknowledged.add(JobId.parse(line.substring(3)));
        }
      }
      child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(2000);

    try (SqliteDatabase db = SqliteDatabase.open(file, Clock.systemUTC())) {
      SqliteJobTable table = new SqliteJobTable(db);
      for (JobId id : acknowledged) {
        assertThat(table.find(id)).as("job %s answered before the kill", id).isPresent();
      }
      assertThat(new SqliteJobQueue(db).depth()).isGreaterThanOrEqualTo(acknowledged.size());
      String integrity =
          db.read(
              s -> {
                try (ResultSet rs = s.prepare("PRAGMA integrity_check").executeQuery()) {
                  return rs.next() ? rs.getString(1) : null;
                }
              });
      assertThat(integrity).isEqualTo("ok");
    }
  }
}
