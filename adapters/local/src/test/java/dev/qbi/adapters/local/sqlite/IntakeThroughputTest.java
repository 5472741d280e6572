package dev.qbi.adapters.local.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cheap check of the intake path under 50 concurrent callers: it reports the rate and the average
 * group size (see the test output) but asserts only correctness, never timing.
 */
class IntakeThroughputTest {

  @TempDir Path dir;

  @Test
  void fifty_concurrent_callers_get_every_submit_committed() throws Exception {
    int callers = 50;
    int perCaller = Integer.getInteger("qbi.intake.perCaller", 200);
    byte[] body =
        "{\"location\":\"Oslo\",\"days\":7,\"units\":\"metric\"}".getBytes(StandardCharsets.UTF_8);
    try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("ingest.db"), Clock.systemUTC())) {
      SqliteJobIntake intake = new SqliteJobIntake(db, new SqliteJobQueue(db));
      Clock clock = db.clock();
      ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
      long started;
      long elapsed;
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
          Owner owner = new Owner("caller-" + c);
          done.add(
              pool.submit(
                  () -> {
                    go.await();
                    for (int i = 0; i < perCaller; i++) {
                      Job job = Job.submitted(JobId.random(), owner, "md5", clock.instant());
                      intake.accept(job, new JobMessage(job.id(), owner, body, clock.instant()));
                    }
                    return null;
                  }));
        }
        started = System.nanoTime();
        go.countDown();
        for (Future<?> f : done) {
          f.get(300, TimeUnit.SECONDS);
        }
        elapsed = System.nanoTime() - started;
      } finally {
        pool.shutdownNow();
      }
      SqliteDatabase.Stats stats = db.stats();
      double perSecond = callers * perCaller / (elapsed / 1e9);
      System.out.printf(
          "intake: %d submits from %d callers in %d ms = %.0f/s; %d transactions, %.1f writes each%n",
          callers * perCaller,
          callers,
          TimeUnit.NANOSECONDS.toMillis(elapsed),
          perSecond,
          stats.transactions(),
          (double) stats.writes() / Math.max(1, stats.transactions()));
      assertThat(new SqliteJobQueue(db).depth()).isEqualTo((long) callers * perCaller);
    }
  }
}
