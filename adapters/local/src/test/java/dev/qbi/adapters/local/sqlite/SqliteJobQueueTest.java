package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.contract.JobInboxContract;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite queue as an inbox (the shared contract) and what only it does: dead letters (see
 * {@link SqliteDeadLettersTest} for what operators do with them).
 */
class SqliteJobQueueTest extends JobInboxContract {

  @TempDir Path dir;
  private SqliteDatabase db;
  private SqliteJobQueue sqliteQueue;
  private SqliteDeadLetters deadLetters;

  @Override
  protected JobQueue createQueue(MutableClock clock) {
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    sqliteQueue = new SqliteJobQueue(db);
    deadLetters = new SqliteDeadLetters(db);
    return sqliteQueue;
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  private SqliteJobQueue reopen() {
    db.close();
    db = SqliteDatabase.open(dir.resolve("ingest.db"), clock);
    sqliteQueue = new SqliteJobQueue(db);
    deadLetters = new SqliteDeadLetters(db);
    return sqliteQueue;
  }

  @Test
  void dead_letter_keeps_body_owner_receive_count_reason_and_time() throws Exception {
    JobMessage sent = message(new Owner("carol"), "{\"poison\":1}");
    sqliteQueue.send(sent);
    sqliteQueue.receive(1, SHORT_LEASE, Duration.ZERO);
    letTimePass(PAST_SHORT_LEASE);
    Delivery second = sqliteQueue.receive(1, SHORT_LEASE, Duration.ZERO).get(0);

    sqliteQueue.settle(second, new Decision.DeadLetter("java.io.IOException: disk on fire"));

    List<DeadLetter> dead = deadLetters.list(10, Optional.empty()).items();
    assertThat(dead).hasSize(1);
    DeadLetter d = dead.get(0);
    assertThat(d.message().jobId()).isEqualTo(sent.jobId());
    assertThat(d.message().owner()).isEqualTo(new Owner("carol"));
    assertThat(d.message().body()).isEqualTo(sent.body());
    assertThat(d.message().sentAt()).isEqualTo(sent.sentAt());
    assertThat(d.receiveCount()).isEqualTo(2);
    assertThat(d.reason()).isEqualTo("java.io.IOException: disk on fire");
    assertThat(d.deadAt()).isEqualTo(clock.instant());
    assertThat(deadLetters.depth()).isEqualTo(1);
    assertThat(sqliteQueue.depth()).isZero();
  }

  @Test
  void dead_letter_with_a_stale_receipt_is_ignored() throws Exception {
    sqliteQueue.send(message("{}"));
    Delivery stale = sqliteQueue.receive(1, SHORT_LEASE, Duration.ZERO).get(0);
    letTimePass(PAST_SHORT_LEASE);
    sqliteQueue.receive(1, LONG_LEASE, Duration.ZERO);

    sqliteQueue.settle(stale, new Decision.DeadLetter("late"));

    assertThat(deadLetters.list(10, Optional.empty()).items()).isEmpty();
    assertThat(sqliteQueue.depth()).isEqualTo(1);
  }

  @Test
  void retry_later_with_a_stale_receipt_is_ignored() throws Exception {
    sqliteQueue.send(message("{}"));
    Delivery stale = sqliteQueue.receive(1, SHORT_LEASE, Duration.ZERO).get(0);
    letTimePass(PAST_SHORT_LEASE);
    sqliteQueue.receive(1, LONG_LEASE, Duration.ZERO);

    sqliteQueue.settle(stale, new Decision.RetryAfter(Duration.ZERO, "retry"));

    assertThat(sqliteQueue.receive(1, LONG_LEASE, Duration.ZERO))
        .as("still leased to the current holder")
        .isEmpty();
  }

  @Test
  void waiting_receiver_returns_empty_when_the_database_closes() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<List<Delivery>> waiting =
          pool.submit(() -> sqliteQueue.receive(1, LONG_LEASE, Duration.ofMinutes(5)));

      db.close();

      assertThat(waiting.get(20, TimeUnit.SECONDS)).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void queued_and_leased_messages_survive_a_restart() throws Exception {
    JobMessage waiting = message("{\"w\":1}");
    JobMessage leased = message("{\"l\":1}");
    sqliteQueue.send(leased);
    Delivery d = sqliteQueue.receive(1, SHORT_LEASE, Duration.ZERO).get(0);
    sqliteQueue.send(waiting);

    SqliteJobQueue after = reopen();

    assertThat(after.depth()).isEqualTo(2);
    assertThat(ids(after.receive(10, LONG_LEASE, Duration.ZERO))).containsExactly(waiting.jobId());
    letTimePass(PAST_SHORT_LEASE);
    List<Delivery> again = after.receive(10, LONG_LEASE, Duration.ZERO);
    assertThat(ids(again)).containsExactly(leased.jobId());
    assertThat(again.get(0).receiveCount()).isEqualTo(d.receiveCount() + 1);
  }

  @Test
  void messages_are_received_oldest_first() throws Exception {
    JobMessage first = message("{\"n\":1}");
    JobMessage second = message("{\"n\":2}");
    JobMessage third = message("{\"n\":3}");
    sqliteQueue.send(first);
    sqliteQueue.send(second);
    sqliteQueue.send(third);

    assertThat(ids(sqliteQueue.receive(10, LONG_LEASE, Duration.ZERO)))
        .containsExactly(first.jobId(), second.jobId(), third.jobId());
  }

  @Test
  void a_receipt_that_is_not_ours_is_ignored() throws Exception {
    JobMessage m = message("{}");
    sqliteQueue.send(m);
    Delivery real = sqliteQueue.receive(1, LONG_LEASE, Duration.ZERO).get(0);

    for (String receipt : List.of("garbage", "1.", ".x", "x.y", "99999.abc")) {
      assertThat(sqliteQueue.settle(new Delivery(m, receipt, 1), new Decision.Completed("k")))
          .isFalse();
      assertThat(sqliteQueue.extendLease(new Delivery(m, receipt, 1), LONG_LEASE)).isFalse();
    }

    assertThat(sqliteQueue.depth()).isEqualTo(1);
    sqliteQueue.settle(real, new Decision.Completed("jobs/x.json"));
    assertThat(sqliteQueue.depth()).isZero();
  }

  @Test
  void a_waiting_receiver_wakes_when_a_lease_expires_without_any_send() throws Exception {
    db.close();
    db = SqliteDatabase.open(dir.resolve("real-time.db"), java.time.Clock.systemUTC());
    SqliteJobQueue realTime = new SqliteJobQueue(db);
    JobMessage m =
        new JobMessage(
            dev.qbi.core.job.JobId.random(),
            new Owner("erin"),
            new byte[] {'{', '}'},
            java.time.Instant.now());
    realTime.send(m);
    assertThat(realTime.receive(1, Duration.ofMillis(300), Duration.ZERO)).hasSize(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<List<Delivery>> waiting =
          pool.submit(() -> realTime.receive(1, LONG_LEASE, Duration.ofSeconds(60)));

      List<Delivery> again = waiting.get(30, TimeUnit.SECONDS);

      assertThat(ids(again)).containsExactly(m.jobId());
      assertThat(again.get(0).receiveCount()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }
}
