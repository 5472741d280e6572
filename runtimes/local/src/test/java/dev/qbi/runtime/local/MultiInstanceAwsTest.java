package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.client.JobApiClient;
import dev.qbi.runtime.local.testing.AwsEmulatorStack;
import dev.qbi.runtime.local.testing.RunningServer;
import dev.qbi.runtime.local.testing.ServerClasspath;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Three {@code serve --backend aws} <em>processes</em> on one queue, table and bucket of the
 * emulators (ElasticMQ and S3Mock in this JVM, dynalite), jobs submitted round-robin across all
 * three, the job table read directly at the end:
 *
 * <ol>
 *   <li>5,000 jobs: every one {@code complete}, with one row each, and the handler ran once per job
 *       on its first delivery: the runs summed over the instances' {@code /metrics} minus the runs
 *       on redelivered messages ({@code ingest_jobs_handler_reruns_total}: retries, e.g. after the
 *       S3 emulator refused a write under this load, or a lost lease) is exactly 5,000;
 *   <li>the same with one instance killed with SIGKILL while jobs run: every job some instance
 *       acknowledged completes, the killed instance's leased messages coming back after the 5 s
 *       visibility timeout to the two others.
 * </ol>
 */
class MultiInstanceAwsTest {
  /** The acceptance's 5,000; {@code -Dqbi.multiInstance.jobs=N} for a quicker or larger run. */
  static final int JOBS = Integer.getInteger("qbi.multiInstance.jobs", 5_000);

  static final int CLIENTS_PER_INSTANCE = 6;
  static final Duration VISIBILITY = Duration.ofSeconds(5);

  /** The instances' logs, kept after the run: {@code runtimes/local/target/multi-instance}. */
  static final Path LOGS = Path.of("target", "multi-instance");

  @TempDir Path dir;
  AwsEmulatorStack stack;
  RunningServer issuer;
  final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void start() {
    stack = AwsEmulatorStack.create();
    issuer = RunningServer.start(dir.resolve("issuer"));
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    issuer.close();
    stack.close();
  }

  @Test
  void three_instances_complete_every_job_once_and_survive_a_kill_9() throws Exception {
    List<URI> instances = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      instances.add(startInstance(i));
    }
    String token = issuer.newUserToken();
    List<JobApiClient> apis = new ArrayList<>();
    for (URI base : instances) {
      JobApiClient api = JobApiClient.builder(base).token(token).build();
      awaitHealthy(api, processes.get(apis.size()));
      apis.add(api);
    }

    // 1. all three alive
    long start = System.nanoTime();
    Set<String> first = submit(apis, JOBS, -1);
    double submitSeconds = (System.nanoTime() - start) / 1e9;
    assertThat(first).hasSize(JOBS);
    awaitComplete(first, Duration.ofSeconds(150));
    double allSeconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "3 instances on the emulators: %d jobs, %.0f submits/s, %.0f completed jobs/s%n",
        JOBS, JOBS / submitSeconds, JOBS / allSeconds);
    double runs = 0;
    double reruns = 0;
    for (JobApiClient api : apis) {
      String metrics = api.rawGet("/metrics").bodyText();
      runs += counter(metrics, "ingest_jobs_handler_runs_total");
      reruns += counter(metrics, "ingest_jobs_handler_reruns_total");
    }
    assertThat(runs - reruns).isEqualTo(JOBS);
    assertThat(runs).isLessThanOrEqualTo(JOBS + reruns);

    // 2. instance 0 killed while the next jobs run; clients of instance 0 move on to the others
    Set<String> second = submit(apis, JOBS / 2, JOBS / 4);
    assertThat(processes.getFirst().isAlive()).isFalse();
    Map<String, Map<String, AttributeValue>> after = awaitComplete(second, Duration.ofSeconds(120));
    assertThat(after).hasSize(second.size());
    for (JobApiClient api : apis) {
      api.close();
    }
  }

  /**
   * Submits {@code count} jobs round-robin across the instances; when {@code killAfter >= 0}, the
   * first instance is killed (SIGKILL) once that many are acknowledged, and its share goes to the
   * others. Returns the acknowledged job ids.
   */
  private Set<String> submit(List<JobApiClient> apis, int count, int killAfter) throws Exception {
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    int threads = CLIENTS_PER_INSTANCE * apis.size();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int instance = t % apis.size();
      running.add(
          pool.submit(
              () -> {
                int at = instance;
                while (next.getAndIncrement() < count) {
                  while (true) {
                    try {
                      accepted.add(apis.get(at).submit("{\"n\":" + next.get() + "}"));
                      break;
                    } catch (IOException refusedOrLost) {
                      // not acknowledged: submitted again, to the next instance
                      at = (at + 1) % apis.size();
                    }
                  }
                  if (killAfter >= 0
                      && accepted.size() >= killAfter
                      && processes.getFirst().isAlive()) {
                    processes.getFirst().destroyForcibly(); // SIGKILL: no shutdown hook runs
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    return accepted;
  }

  /** Waits until every job of {@code ids} is {@code complete} in the table; returns their rows. */
  private Map<String, Map<String, AttributeValue>> awaitComplete(Set<String> ids, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Map<String, AttributeValue>> complete = new HashMap<>();
    while (true) {
      complete.clear();
      Map<String, Integer> seen = new HashMap<>();
      stack
          .clients
          .dynamoDb()
          .scanPaginator(b -> b.tableName(stack.table).consistentRead(true))
          .items()
          .forEach(
              item -> {
                String id = item.get(DynamoDbJobTable.JOB_ID).s();
                seen.merge(id, 1, Integer::sum);
                if (ids.contains(id) && "complete".equals(item.get(DynamoDbJobTable.STATUS).s())) {
                  complete.put(id, item);
                }
              });
      assertThat(seen.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
      if (complete.size() == ids.size()) {
        return Map.copyOf(complete);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            (ids.size() - complete.size()) + " of " + ids.size() + " jobs not complete in time");
      }
      Thread.sleep(1_000);
    }
  }

  private URI startInstance(int n) throws IOException {
    Files.createDirectories(LOGS);
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx256m",
            "-cp",
            ServerClasspath.get(),
            Main.class.getName(),
            "serve",
            "--port",
            String.valueOf(port),
            "--data-dir",
            dir.resolve("instance-" + n).toString(),
            "--issuer",
            issuer.server.issuer(),
            "--workers",
            "2",
            // in flight per instance: 16 x batch x workers, each heartbeat an SQS and a DynamoDB
            // call; the emulators share two cores with everything else here
            "--batch-size",
            "2",
            "--visibility-timeout",
            VISIBILITY.toSeconds() + "s"));
    command.addAll(stack.serveArgs());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(LOGS.resolve("instance-" + n + ".log").toFile());
    pb.environment().putAll(AwsEmulatorStack.env());
    processes.add(pb.start());
    return URI.create("http://127.0.0.1:" + port);
  }

  private static void awaitHealthy(JobApiClient api, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("server process exited early").isTrue();
      try {
        api.health();
        return;
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("server did not become healthy");
  }

  private static double counter(String metrics, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$").matcher(metrics);
    assertThat(m.find()).as("%s in /metrics", series).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
