package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.adapters.local.sqlite.SqliteDatabase;
import dev.qbi.runtime.local.testing.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ingest serve} checks before it serves: one server per data dir, no silent fresh start
 * over a damaged or missing database, owner-only files. Every refusal is one line on stderr and a
 * non-zero exit code.
 */
class StartupChecksTest {
  @TempDir Path work;

  /** What {@code ingest serve --data-dir dir} printed on stderr, and its exit code. */
  private record Refusal(int exitCode, String stderr) {}

  private static Refusal serve(Path dataDir) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      code = Main.run("serve", "--port", "0", "--data-dir", dataDir.toString());
    } finally {
      System.setErr(original);
    }
    return new Refusal(code, err.toString(StandardCharsets.UTF_8));
  }

  private static void assertOneLineRefusal(Refusal r, String... fragments) {
    assertThat(r.exitCode()).isNotZero();
    String text = r.stderr().strip();
    assertThat(text).as("one line: %s", text).doesNotContain("\n").startsWith("ingest serve: ");
    for (String fragment : fragments) {
      assertThat(text).contains(fragment);
    }
  }

  /** A data dir a server ran on (a user, a completed job), then stopped. */
  private Path usedDataDir() throws Exception {
    Path dataDir = work.resolve("data");
    try (RunningServer running = RunningServer.start(dataDir)) {
      var api = running.api(running.newUserToken());
      String id = api.submit("{\"a\":1}");
      assertThat(api.awaitTerminal(id, Duration.ofSeconds(30), Duration.ofMillis(20)).status())
          .isEqualTo("complete");
    }
    return dataDir;
  }

  @Test
  void a_second_server_on_the_same_data_dir_is_refused_before_it_creates_anything()
      throws Exception {
    Path dataDir = work.resolve("data");
    try (RunningServer first = RunningServer.start(dataDir)) {
      List<Path> before = list(dataDir);

      Refusal second = serve(dataDir);

      assertOneLineRefusal(second, "in use by another ingest server", dataDir.toString());
      assertThat(second.stderr()).contains("pid " + ProcessHandle.current().pid());
      assertThat(list(dataDir)).isEqualTo(before);
      assertThat(first.server.settings().dataDir()).isEqualTo(dataDir);
      assertThat(first.client.health().status()).isEqualTo("UP");
    }
    // released on close: the next server starts
    try (RunningServer again = RunningServer.start(dataDir)) {
      assertThat(again.client.health().status()).isEqualTo("UP");
    }
  }

  @Test
  void a_damaged_ingest_db_is_refused_with_a_one_line_reason() throws Exception {
    Path dataDir = usedDataDir();
    Path db = dataDir.resolve("ingest.db");
    fillJobs(db, 3_000);
    long pages = Files.size(db) / 4096;
    assertThat(pages).isGreaterThan(20);
    // a few pages in the middle of the file overwritten with garbage
    try (RandomAccessFile file = new RandomAccessFile(db.toFile(), "rw")) {
      byte[] garbage = new byte[3 * 4096];
      Arrays.fill(garbage, (byte) 0xA5);
      file.seek((pages / 2) * 4096);
      file.write(garbage);
    }

    assertOneLineRefusal(serve(dataDir), "ingest.db", "is damaged", "restore it from a backup");
  }

  @Test
  void a_data_dir_whose_ingest_db_is_missing_is_refused_not_started_fresh() throws Exception {
    Path dataDir = usedDataDir();
    Files.delete(dataDir.resolve("ingest.db"));
    deleteIfExists(dataDir.resolve("ingest.db-wal"), dataDir.resolve("ingest.db-shm"));

    assertOneLineRefusal(serve(dataDir), "ingest.db", "is missing", "start with an empty data dir");
    assertThat(dataDir.resolve("ingest.db")).doesNotExist();
  }

  @Test
  void keys_without_a_marker_or_an_ingest_db_are_refused_too() throws Exception {
    Path dataDir = usedDataDir();
    Files.delete(dataDir.resolve("ingest.db"));
    Files.delete(dataDir.resolve(DataDirectory.MARKER_FILE));

    assertOneLineRefusal(serve(dataDir), "has keys", "but no ingest.db");
  }

  @Test
  void a_missing_identity_db_is_refused() throws Exception {
    Path dataDir = usedDataDir();
    Files.delete(dataDir.resolve("identity.db"));
    deleteIfExists(dataDir.resolve("identity.db-wal"), dataDir.resolve("identity.db-shm"));

    assertOneLineRefusal(serve(dataDir), "identity.db", "is missing");
  }

  @Test
  void a_damaged_identity_db_is_refused() throws Exception {
    Path dataDir = usedDataDir();
    Files.write(dataDir.resolve("identity.db"), new byte[8192]);

    assertOneLineRefusal(serve(dataDir), "identity.db", "is damaged");
  }

  @Test
  void a_data_dir_of_an_earlier_release_gets_its_marker_and_starts() throws Exception {
    Path dataDir = usedDataDir();
    Files.delete(dataDir.resolve(DataDirectory.MARKER_FILE));
    try (RunningServer again = RunningServer.start(dataDir)) {
      assertThat(again.client.health().status()).isEqualTo("UP");
    }
    assertThat(Files.readString(dataDir.resolve(DataDirectory.MARKER_FILE)))
        .contains("databases=ingest.db identity.db");
  }

  @Test
  void the_data_dir_and_every_file_in_it_are_owner_only() throws Exception {
    Path dataDir = work.resolve("data");
    // a data dir of an earlier release, readable by everyone
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (RunningServer running = RunningServer.start(dataDir)) {
      var api = running.api(running.newUserToken());
      String id = api.submit("{\"a\":1}");
      api.awaitTerminal(id, Duration.ofSeconds(30), Duration.ofMillis(20));
      // while it runs: the databases' -wal and -shm files too
      assertThat(dataDir.resolve("ingest.db-wal")).exists();
      assertOwnerOnly(dataDir);
    }
    assertOwnerOnly(dataDir);
  }

  private static void assertOwnerOnly(Path dataDir) throws IOException {
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dataDir)) {
      all.forEach(
          p -> {
            try {
              String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
              String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
              if (!mode.equals(expected)) {
                wrong.add(dataDir.relativize(p) + " " + mode);
              }
            } catch (IOException e) {
              wrong.add(p + " " + e);
            }
          });
    }
    assertThat(wrong).as("paths not owner-only").isEmpty();
  }

  /** {@code count} more job rows, in one transaction, so that most pages hold live rows. */
  private static void fillJobs(Path db, int count) {
    try (SqliteDatabase database = SqliteDatabase.open(db, Clock.systemUTC())) {
      database.write(
          s -> {
            PreparedStatement ps =
                s.prepare(
                    "INSERT INTO jobs (id, owner, status, submitted_at, updated_at)"
                        + " VALUES (?, ?, 'complete', 0, 0)");
            for (int i = 0; i < count; i++) {
              ps.setString(1, UUID.randomUUID().toString());
              ps.setString(2, "filler-owner-" + i);
              ps.executeUpdate();
            }
            return null;
          });
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.sorted().toList();
    }
  }

  private static void deleteIfExists(Path... paths) throws IOException {
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }
}
