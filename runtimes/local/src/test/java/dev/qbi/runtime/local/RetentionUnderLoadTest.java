package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.adapters.local.sqlite.SqliteRetention;
import dev.qbi.client.JobApiClient;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.usecase.InProcessJobExecutor;
import dev.qbi.runtime.local.testing.RunningServer;
import dev.qbi.runtime.local.worker.RetentionSweeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Intake while retention deletes 100,000 old jobs: the cleanup runs in short batches through the
 * group-committed writer, so submits keep being answered promptly. Prints the submit latency
 * (p50/p99/max) with and without the cleanup running.
 */
class RetentionUnderLoadTest {

  private static final int OLD_JOBS = 100_000;
  private static final int ROWS_PER_WRITE = 5_000;
  private static final int CLIENTS = 4;
  private static final Duration BASELINE = Duration.ofSeconds(2);

  @TempDir Path dataDir;

  @Test
  void intake_stays_responsive_while_100k_old_jobs_are_deleted() throws Exception {
    try (RunningServer running =
        RunningServer.start(
            dataDir, b -> b.workers(1).retentionSweepInterval(Duration.ofHours(6)))) {
      IngestionServer server = running.server;
      Instant old = Instant.now().minus(server.settings().retention()).minus(Duration.ofDays(10));
      List<String> withFiles = insertOldJobs(server, old);
      Path payloads = dataDir.resolve("payloads");
      for (String id : withFiles) {
        Path file = payloads.resolve(InProcessJobExecutor.outputKey(JobId.parse(id)));
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"old\":true}");
      }
      JobApiClient api = running.api(running.newUserToken());
      submitWhile(api, sleeper(BASELINE)); // warm-up, not measured

      List<Long> baseline = submitWhile(api, sleeper(BASELINE));
      long started = System.nanoTime();
      RetentionSweeper.Pass[] pass = new RetentionSweeper.Pass[1];
      List<Long> during =
          submitWhile(
              api,
              () -> {
                pass[0] = server.retention().sweep();
                return null;
              });
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      System.out.printf(
          "retention: deleted %d jobs and %d outputs in %d batches, %d ms (%.0f jobs/s)%n",
          pass[0].jobs(),
          pass[0].outputs(),
          pass[0].batches(),
          pass[0].took().toMillis(),
          pass[0].jobs() / (pass[0].took().toNanos() / 1e9));
      System.out.printf("submit latency, no cleanup:     %s%n", summary(baseline));
      System.out.printf("submit latency, during cleanup: %s (%s total)%n", summary(during), took);

      assertThat(pass[0].jobs()).isEqualTo(OLD_JOBS);
      assertThat(pass[0].outputs()).isEqualTo(withFiles.size());
      Instant cutoff = Instant.now().minus(server.settings().retention());
      assertThat(new SqliteRetention(server.database()).expired(cutoff, Optional.empty(), 10))
          .isEmpty();
      assertThat(countJobs(server, old.plusSeconds(1))).as("old jobs left after the pass").isZero();
      assertThat(countJobs(server, Instant.now()))
          .as("the young jobs submitted meanwhile are all kept")
          .isGreaterThanOrEqualTo((long) baseline.size() + during.size());
      assertThat(
              Files.exists(
                  payloads.resolve(
                      InProcessJobExecutor.outputKey(JobId.parse(withFiles.getFirst())))))
          .isFalse();
      assertThat(during).as("submits answered during the cleanup").hasSizeGreaterThan(10);
      assertThat(percentile(during, 0.99))
          .as("p99 submit latency during the cleanup, ms (a generous bound for a busy CI)")
          .isLessThan(Duration.ofSeconds(2).toNanos());
    }
  }

  /**
   * Inserts the old terminal jobs in large writes; returns the ids of those given an output file.
   */
  private static List<String> insertOldJobs(IngestionServer server, Instant at) {
    List<String> withFiles = new ArrayList<>();
    String[] statuses = {
      JobStatus.COMPLETE.wireName(), JobStatus.FAILED.wireName(), JobStatus.CANCELLED.wireName()
    };
    long nanos = toNanos(at);
    for (int done = 0; done < OLD_JOBS; done += ROWS_PER_WRITE) {
      int from = done;
      server
          .database()
          .write(
              s -> {
                PreparedStatement ps =
                    s.prepare(
                        "INSERT INTO jobs (id, owner, status, submitted_at, updated_at, attempts,"
                            + " payload_md5, output_key, version) VALUES (?, ?, ?, ?, ?, 1, ?, ?, 2)");
                for (int i = from; i < from + ROWS_PER_WRITE; i++) {
                  String id = UUID.randomUUID().toString();
                  String status = statuses[i % statuses.length];
                  boolean complete = status.equals(JobStatus.COMPLETE.wireName());
                  ps.setString(1, id);
                  ps.setString(2, "owner-" + (i % 50));
                  ps.setString(3, status);
                  ps.setLong(4, nanos + i);
                  ps.setLong(5, nanos + i);
                  ps.setString(6, "md5");
                  ps.setString(7, complete ? "jobs/" + id + ".json" : null);
                  ps.executeUpdate();
                  if (complete && i % 10 == 0) {
                    withFiles.add(id);
                  }
                }
                return null;
              });
    }
    return withFiles;
  }

  /** Submits from {@value #CLIENTS} clients until {@code work} returns; the latencies in ns. */
  private static List<Long> submitWhile(JobApiClient api, java.util.concurrent.Callable<Void> work)
      throws Exception {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        clients.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    long t0 = System.nanoTime();
                    api.submit("{\"city\":\"Turku\"}");
                    latencies.add(System.nanoTime() - t0);
                  }
                  return null;
                }));
      }
      try {
        work.call();
      } finally {
        stop.set(true);
      }
      for (Future<?> client : clients) {
        client.get();
      }
    }
    return latencies;
  }

  private static java.util.concurrent.Callable<Void> sleeper(Duration d) {
    return () -> {
      Thread.sleep(d);
      return null;
    };
  }

  /** Jobs submitted before {@code before}. */
  private static long countJobs(IngestionServer server, Instant before) {
    return server
        .database()
        .read(
            s -> {
              java.sql.PreparedStatement ps =
                  s.prepare("SELECT COUNT(*) FROM jobs WHERE submitted_at < ?");
              ps.setLong(1, before.getEpochSecond() * 1_000_000_000L + before.getNano());
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
              }
            });
  }

  private static long percentile(List<Long> values, double p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static String summary(List<Long> ns) {
    return String.format(
        "n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms",
        ns.size(),
        percentile(ns, 0.50) / 1e6,
        percentile(ns, 0.99) / 1e6,
        Collections.max(ns) / 1e6);
  }

  private static long toNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
