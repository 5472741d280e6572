package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
  private SqliteDatabase db;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    db.write(
        s -> {
          s.connection().createStatement().execute("CREATE TABLE IF NOT EXISTS t (v TEXT UNIQUE)");
          return null;
        });
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void reopen() {
    db.close();
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
  }

  private static Void insert(Session s, String v) throws java.sql.SQLException {
    PreparedStatement ps = s.prepare("INSERT INTO t (v) VALUES (?)");
    ps.setString(1, v);
    ps.executeUpdate();
    return null;
  }

  private long countT() {
    return db.read(
        s -> {
          try (ResultSet rs = s.prepare("SELECT COUNT(*) FROM t").executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  private boolean hasT(String v) {
    return db.read(
        s -> {
          PreparedStatement ps = s.prepare("SELECT 1 FROM t WHERE v = ?");
          ps.setString(1, v);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        });
  }

  @Test
  void database_runs_in_wal_mode_with_full_synchronous_commits() {
    String journal =
        db.read(
            s -> {
              try (ResultSet rs = s.prepare("PRAGMA journal_mode").executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
              }
            });
    int synchronous =
        db.write(
            s -> {
              try (ResultSet rs =
                  s.connection().createStatement().executeQuery("PRAGMA synchronous")) {
                return rs.next() ? rs.getInt(1) : -1;
              }
            });

    assertThat(journal).isEqualToIgnoringCase("wal");
    assertThat(synchronous).as("2 = FULL").isEqualTo(2);
  }

  @Test
  void opening_an_existing_database_again_keeps_its_schema_and_rows() {
    db.write(s -> insert(s, "kept"));

    reopen();
    reopen();

    assertThat(hasT("kept")).isTrue();
  }

  @Test
  void committed_writes_survive_close_and_reopen() {
    for (int i = 0; i < 20; i++) {
      String v = "row-" + i;
      db.write(s -> insert(s, v));
    }

    reopen();

    assertThat(countT()).isEqualTo(20);
  }

  @Test
  void a_failing_write_does_not_fail_the_others_in_its_transaction() throws Exception {
    db.write(s -> insert(s, "taken"));
    CountDownLatch writerHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    long transactionsBefore = db.stats().transactions();
    CompletableFuture<Void> blocker =
        db.writeAsync(
            s -> {
              insert(s, "blocker");
              writerHeld.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return null;
            });
    assertThat(writerHeld.await(30, TimeUnit.SECONDS)).isTrue();
    // queued while the writer is held: they run together in the next transaction
    CompletableFuture<Void> good1 = db.writeAsync(s -> insert(s, "good-1"));
    CompletableFuture<Void> duplicate = db.writeAsync(s -> insert(s, "taken"));
    CompletableFuture<Void> throwing =
        db.writeAsync(
            s -> {
              insert(s, "rolled-back");
              throw new IllegalStateException("business rule says no");
            });
    CompletableFuture<Void> good2 = db.writeAsync(s -> insert(s, "good-2"));

    release.countDown();

    blocker.get(30, TimeUnit.SECONDS);
    good1.get(30, TimeUnit.SECONDS);
    good2.get(30, TimeUnit.SECONDS);
    assertThatThrownBy(() -> duplicate.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(java.sql.SQLException.class);
    assertThatThrownBy(() -> throwing.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("business rule says no");
    assertThat(db.stats().transactions() - transactionsBefore)
        .as("the blocker's transaction, then one for all four queued writes")
        .isEqualTo(2);
    assertThat(hasT("good-1")).isTrue();
    assertThat(hasT("good-2")).isTrue();
    assertThat(hasT("rolled-back")).isFalse();
    reopen();
    assertThat(hasT("good-1")).isTrue();
    assertThat(hasT("good-2")).isTrue();
  }

  @Test
  void sql_errors_become_storage_exceptions() {
    assertThatThrownBy(() -> db.write(s -> s.prepare("INSERT INTO no_such_table VALUES (1)")))
        .isInstanceOf(StorageException.class)
        .hasCauseInstanceOf(java.sql.SQLException.class);
    assertThatThrownBy(() -> db.read(s -> s.prepare("SELECT * FROM no_such_table")))
        .isInstanceOf(StorageException.class)
        .hasCauseInstanceOf(java.sql.SQLException.class);
  }

  @Test
  void an_exception_thrown_by_a_write_reaches_its_caller_unchanged_and_rolls_it_back() {
    assertThatThrownBy(
            () ->
                db.write(
                    s -> {
                      insert(s, "half-done");
                      throw new IllegalArgumentException("nope");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nope");

    assertThat(hasT("half-done")).isFalse();
  }

  @Test
  void read_connections_cannot_write() {
    assertThatThrownBy(() -> db.read(s -> insert(s, "sneaky")))
        .isInstanceOf(StorageException.class);
    assertThat(hasT("sneaky")).isFalse();
  }

  @Test
  void closed_database_refuses_reads_and_writes() {
    db.close();

    assertThatThrownBy(() -> db.write(s -> insert(s, "late"))).isInstanceOf(StorageException.class);
    assertThatThrownBy(this::countT).isInstanceOf(StorageException.class);
    assertThat(db.isClosed()).isTrue();
  }

  @Test
  void writes_queued_before_close_are_committed() throws Exception {
    List<CompletableFuture<Void>> queued = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String v = "q-" + i;
      queued.add(db.writeAsync(s -> insert(s, v)));
    }

    db.close();

    for (CompletableFuture<Void> f : queued) {
      f.get(30, TimeUnit.SECONDS);
    }
    reopen();
    assertThat(countT()).isEqualTo(100);
  }

  @Test
  void many_concurrent_intakes_are_group_committed_and_all_survive_a_restart() throws Exception {
    SqliteJobQueue queue = new SqliteJobQueue(db);
    SqliteJobIntake intake = new SqliteJobIntake(db, queue);
    int callers = 50;
    int perCaller = 40;
    Set<JobId> accepted = ConcurrentHashMap.newKeySet();
    long transactionsBefore = db.stats().transactions();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < perCaller; i++) {
                    Job job =
                        Job.submitted(
                            JobId.random(), new Owner("u" + i % 7), "md5", clock.instant());
                    intake.accept(
                        job,
                        new JobMessage(
                            job.id(),
                            job.owner(),
                            "{}".getBytes(StandardCharsets.UTF_8),
                            clock.instant()));
                    accepted.add(job.id());
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long transactions = db.stats().transactions() - transactionsBefore;

    reopen();

    SqliteJobTable table = new SqliteJobTable(db);
    assertThat(accepted).hasSize(callers * perCaller);
    for (JobId id : accepted) {
      assertThat(table.find(id)).as("job %s", id).isPresent();
    }
    assertThat(new SqliteJobQueue(db).depth()).isEqualTo(callers * perCaller);
    assertThat(transactions).isPositive().isLessThanOrEqualTo(callers * perCaller);
  }

  @Test
  void a_write_that_waits_for_another_write_is_refused_instead_of_deadlocking() {
    assertThatThrownBy(() -> db.write(s -> db.write(inner -> insert(inner, "nested"))))
        .isInstanceOf(IllegalStateException.class);

    assertThat(hasT("nested")).isFalse();
  }
}
