package dev.qbi.bench;

import dev.qbi.bench.BenchClient.JobTimes;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ingest bench}: starts the server as a child JVM on a loopback port over a temporary data
 * dir, signs a user in through the Cognito protocol, warms up, and measures authenticated durable
 * submits/s, completed jobs/s end to end, submit→complete latency under load and on an idle server,
 * and the server's resident memory. Prints a table (or {@code --json}) on stdout; progress on
 * stderr.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Benchmark this machine: starts its own server (a child JVM on a free loopback port, "
          + "temporary data dir), then measures authenticated durable submits/s, completed "
          + "jobs/s end to end, submit->complete latency (under load and idle) and the "
          + "server's RSS.",
      "Exit code 0 when every submit was accepted and every job completed, 1 otherwise."
    })
public final class BenchCommand implements Callable<Integer> {
  static final String CLIENT_ID = "ingestion-local-client";
  static final String POOL_ID = "local_ingestion";
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WARMUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration IDLE_JOB_TIMEOUT = Duration.ofSeconds(10);
  private static final int PAGE_SIZE = 100;
  private static final List<String> RESERVED_SERVE_OPTIONS =
      List.of(
          "--host",
          "--port",
          "--data-dir",
          "--public-url",
          "--issuer",
          "--pool-id",
          "--client-id",
          "--log-format",
          "--workers");

  @Spec CommandSpec spec;

  /** Set when the JVM is shutting down (Ctrl-C, SIGTERM) while the benchmark runs. */
  private volatile boolean stopping;

  @Option(
      names = "--jobs",
      defaultValue = "${env:INGEST_BENCH_JOBS:-20000}",
      description = "Jobs in the measured phase (env INGEST_BENCH_JOBS).")
  int jobs;

  @Option(
      names = "--concurrency",
      defaultValue = "${env:INGEST_BENCH_CONCURRENCY:-50}",
      description =
          "Concurrent clients submitting in the measured phase (env INGEST_BENCH_CONCURRENCY).")
  int concurrency;

  @Option(
      names = "--warmup",
      defaultValue = "${env:INGEST_BENCH_WARMUP:-1000}",
      description =
          "Jobs submitted and completed before measuring, not counted (env INGEST_BENCH_WARMUP).")
  int warmup;

  @Option(
      names = "--idle-jobs",
      defaultValue = "${env:INGEST_BENCH_IDLE_JOBS:-50}",
      description =
          "Sequential single jobs for the idle-server latency (env INGEST_BENCH_IDLE_JOBS).")
  int idleJobs;

  @Option(
      names = "--workers",
      description = "Queue receivers of the server (its --workers); default one per CPU.")
  Integer workers;

  @Option(
      names = "--server-opts",
      paramLabel = "'OPTIONS'",
      description =
          "More 'ingest serve' options, space-separated, e.g. \"--batch-size 20\" "
              + "(not --host, --port, --data-dir, --workers or the identity options).")
  String serverOpts = "";

  @Option(
      names = "--jvm-opts",
      paramLabel = "'OPTIONS'",
      description =
          "JVM options of the server process, space-separated, e.g. \"-Xmx256m\" or "
              + "\"-XX:StartFlightRecording=filename=server.jfr\".")
  String jvmOpts = "";

  @Option(
      names = "--timeout",
      defaultValue = "${env:INGEST_BENCH_TIMEOUT:-PT5M}",
      description =
          "Limit of the measured phase (submits, completion, collection), ISO-8601 duration"
              + " (env INGEST_BENCH_TIMEOUT).")
  Duration timeout;

  @Option(
      names = "--keep-data",
      description = "Keep the temporary data dir and server log (its path is printed).")
  boolean keepData;

  @Option(names = "--json", description = "Print the figures as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("ingest-bench-");
    double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    ServerProcess server = null;
    Thread stopOnExit = null;
    try {
      int port = freeLoopbackPort();
      List<String> serveOptions = new ArrayList<>();
      if (workers != null) {
        serveOptions.add("--workers");
        serveOptions.add(workers.toString());
      }
      serveOptions.addAll(words(serverOpts));
      List<String> command =
          ServerProcess.command(
              ServerProcess.currentJava(),
              System.getProperty("java.class.path"),
              port,
              work.resolve("data"),
              words(jvmOpts),
              serveOptions);
      progress(err, "starting the server on 127.0.0.1:" + port + " (log " + work + "/server.log)");
      server = ServerProcess.start(command, port, work.resolve("server.log"));
      ServerProcess started = server;
      stopOnExit =
          new Thread(
              () -> {
                // Ctrl-C or SIGTERM: the child must not outlive us, nor its temporary data
                stopping = true;
                started.close();
                if (!keepData) {
                  deleteTree(work);
                }
              },
              "bench-stop-server");
      Runtime.getRuntime().addShutdownHook(stopOnExit);

      BenchReport report;
      try (BenchClient client = new BenchClient(server.baseUrl())) {
        report = run(client, server, loadAverage, err);
      }
      out.println(
          json
              ? BenchClient.JSON
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(report.toJson())
              : report.toTable());
      out.flush();
      if (report.errors() > 0) {
        progress(err, report.errors() + " error(s): see the table");
        return 1;
      }
      return 0;
    } catch (BenchFailure e) {
      err.println("bench: " + (stopping ? "stopped by a signal" : e.getMessage()));
      err.flush();
      return 1;
    } catch (IOException e) {
      err.println(
          stopping
              ? "bench: stopped by a signal"
              : "bench: talking to the server failed: "
                  + e
                  + (server != null && !server.isAlive()
                      ? "; the server exited, the end of its log:\n" + server.logTail(30)
                      : ""));
      err.flush();
      return 1;
    } finally {
      if (server != null) {
        server.close();
      }
      if (stopOnExit != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
          // the hook is running or has run
        }
      }
      if (keepData) {
        progress(err, "data dir and server log kept in " + work);
      } else if (!deleteTree(work)) {
        progress(err, "could not delete " + work);
      }
    }
  }

  private BenchReport run(
      BenchClient client, ServerProcess server, double loadAverage, PrintWriter err)
      throws BenchFailure, InterruptedException, IOException {
    server.awaitHealthy(client, HEALTH_TIMEOUT);
    String username = "bench-" + UUID.randomUUID() + "@example.com";
    String token = client.signUpAndLogin(username, "Bench-Passw0rd!", CLIENT_ID, POOL_ID);
    progress(err, "signed in " + username);

    if (warmup > 0) {
      progress(err, "warm-up: " + warmup + " jobs (not counted)");
      long deadline = System.nanoTime() + WARMUP_TIMEOUT.toNanos();
      SubmitLoad.Result w = SubmitLoad.run(client, token, warmup, concurrency, "warmup", deadline);
      if (w.timedOut() || w.errorCount() > 0) {
        throw new BenchFailure(
            "warm-up: "
                + w.accepted()
                + " of "
                + warmup
                + " submits accepted"
                + (w.timedOut() ? " before the " + WARMUP_TIMEOUT.toSeconds() + " s limit" : "")
                + "; errors "
                + w.errors());
      }
      awaitDrained(client, server, deadline, "warm-up");
    }

    BenchReport.Idle idle = idleLatency(client, server, token, err);

    progress(
        err,
        "measuring: "
            + jobs
            + " jobs from "
            + concurrency
            + " concurrent clients (limit "
            + timeout.toSeconds()
            + " s)");
    Optional<Duration> serverCpu0 = server.cpuTime();
    Optional<Duration> clientCpu0 = ProcessHandle.current().info().totalCpuDuration();
    long phaseStart = System.nanoTime();
    long deadline = phaseStart + timeout.toNanos();
    SubmitLoad.Result load = SubmitLoad.run(client, token, jobs, concurrency, "bench", deadline);
    BenchReport.CpuUse submitCpu =
        new BenchReport.CpuUse(
            since(server.cpuTime(), serverCpu0),
            since(ProcessHandle.current().info().totalCpuDuration(), clientCpu0),
            (System.nanoTime() - phaseStart) / 1e9);
    if (load.timedOut()) {
      throw new BenchFailure(
          "only "
              + load.attempted()
              + " of "
              + jobs
              + " submits were sent within "
              + timeout.toSeconds()
              + " s (--timeout); errors "
              + load.errors());
    }
    progress(
        err,
        String.format(
            java.util.Locale.ROOT,
            "submitted %d in %.2f s; waiting for the queue to drain",
            load.accepted(),
            load.wallNanos() / 1e9));
    awaitDrained(client, server, deadline, "measured phase");
    BenchReport.CpuUse measuredCpu =
        new BenchReport.CpuUse(
            since(server.cpuTime(), serverCpu0),
            since(ProcessHandle.current().info().totalCpuDuration(), clientCpu0),
            (System.nanoTime() - phaseStart) / 1e9);
    Map<String, JobTimes> finished = collect(client, server, token, load.jobIds(), deadline);
    Optional<ProcMemory> memory = server.memory();

    int complete = 0;
    int failed = 0;
    Instant lastCompletion = load.startedAt();
    long[] latencies = new long[load.accepted()];
    for (JobTimes job : finished.values()) {
      if (job.status().equals("complete")) {
        latencies[complete++] = job.submitToUpdate().toNanos();
        if (job.updatedAt().isAfter(lastCompletion)) {
          lastCompletion = job.updatedAt();
        }
      } else {
        failed++;
      }
    }
    double endToEndSeconds = Duration.between(load.startedAt(), lastCompletion).toNanos() / 1e9;

    return new BenchReport(
        machine(loadAverage),
        new BenchReport.Parameters(
            jobs,
            concurrency,
            warmup,
            idleJobs,
            Optional.ofNullable(workers),
            words(serverOpts),
            words(jvmOpts)),
        new BenchReport.Submits(
            load.accepted(),
            load.errors(),
            load.wallNanos() / 1e9,
            load.perSecond(),
            Percentiles.of(load.responseNanos())),
        new BenchReport.EndToEnd(
            complete,
            failed,
            endToEndSeconds,
            endToEndSeconds > 0 ? complete / endToEndSeconds : 0),
        Percentiles.of(java.util.Arrays.copyOf(latencies, complete)),
        idle,
        memory,
        submitCpu,
        measuredCpu);
  }

  /** Sequential single jobs, each polled until complete: latency on an otherwise idle server. */
  private BenchReport.Idle idleLatency(
      BenchClient client, ServerProcess server, String token, PrintWriter err)
      throws BenchFailure, InterruptedException, IOException {
    if (idleJobs > 0) {
      progress(err, "idle latency: " + idleJobs + " sequential jobs");
    }
    long[] clientNanos = new long[idleJobs];
    long[] serverNanos = new long[idleJobs];
    for (int i = 0; i < idleJobs; i++) {
      long t0 = System.nanoTime();
      BenchClient.Submitted submitted =
          client.submit(token, "{\"testMessagePayload\":\"idle-" + i + "\"}");
      String id =
          submitted
              .jobId()
              .orElseThrow(
                  () ->
                      new BenchFailure("idle latency: submit answered HTTP " + submitted.status()));
      while (true) {
        Optional<JobTimes> status = client.status(token, id);
        if (status.isPresent() && status.get().terminal()) {
          if (!status.get().status().equals("complete")) {
            throw new BenchFailure("idle latency: job " + id + " " + status.get().status());
          }
          clientNanos[i] = System.nanoTime() - t0;
          serverNanos[i] = status.get().submitToUpdate().toNanos();
          break;
        }
        if (System.nanoTime() - t0 > IDLE_JOB_TIMEOUT.toNanos()) {
          throw new BenchFailure(
              "idle latency: job "
                  + id
                  + " not complete after "
                  + IDLE_JOB_TIMEOUT.toSeconds()
                  + " s"
                  + (server.isAlive() ? "" : "; the server exited:\n" + server.logTail(30)));
        }
        Thread.sleep(1);
      }
    }
    return new BenchReport.Idle(idleJobs, Percentiles.of(clientNanos), Percentiles.of(serverNanos));
  }

  /** Waits until {@code GET /health} reports an empty queue: every message acknowledged. */
  private static void awaitDrained(
      BenchClient client, ServerProcess server, long deadline, String phase)
      throws BenchFailure, InterruptedException {
    OptionalLong depth = OptionalLong.empty();
    while (System.nanoTime() - deadline < 0) {
      depth = client.queueDepth();
      if (depth.isPresent() && depth.getAsLong() == 0) {
        return;
      }
      if (!server.isAlive()) {
        throw new BenchFailure(phase + ": the server exited; its log:\n" + server.logTail(30));
      }
      Thread.sleep(20);
    }
    throw new BenchFailure(
        phase
            + ": the queue was not drained in time (depth "
            + (depth.isPresent() ? depth.getAsLong() : "unknown")
            + ")");
  }

  /**
   * Pages through {@code GET /jobs} (newest first, so the measured jobs come first) until every
   * given job is seen in a terminal state; retries while some are not terminal yet.
   */
  private static Map<String, JobTimes> collect(
      BenchClient client, ServerProcess server, String token, List<String> ids, long deadline)
      throws BenchFailure, InterruptedException, IOException {
    Set<String> wanted = new HashSet<>(ids);
    int maxPages = ids.size() / PAGE_SIZE + 1_000;
    while (true) {
      Map<String, JobTimes> seen = new HashMap<>();
      Optional<String> next = Optional.empty();
      for (int page = 0; page < maxPages && seen.size() < wanted.size(); page++) {
        BenchClient.JobsPage p = client.jobs(token, PAGE_SIZE, next);
        for (JobTimes job : p.jobs()) {
          if (wanted.contains(job.jobId())) {
            seen.put(job.jobId(), job);
          }
        }
        next = p.next();
        if (next.isEmpty()) {
          break;
        }
      }
      long terminal = seen.values().stream().filter(JobTimes::terminal).count();
      if (seen.size() == wanted.size() && terminal == wanted.size()) {
        return seen;
      }
      if (System.nanoTime() - deadline > 0 || !server.isAlive()) {
        throw new BenchFailure(
            "collecting results: "
                + seen.size()
                + " of "
                + wanted.size()
                + " jobs listed, "
                + terminal
                + " terminal, when the time ran out");
      }
      Thread.sleep(200);
    }
  }

  private static Optional<Duration> since(Optional<Duration> now, Optional<Duration> before) {
    return now.flatMap(n -> before.map(n::minus));
  }

  private static BenchReport.Machine machine(double loadAverage) {
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    return new BenchReport.Machine(
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ", "
            + System.getProperty("java.vendor")
            + ")",
        memory,
        loadAverage);
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (jobs < 1 || jobs > 1_000_000) {
      throw new CommandLine.ParameterException(cl, "--jobs must be between 1 and 1000000");
    }
    if (concurrency < 1 || concurrency > 1_000) {
      throw new CommandLine.ParameterException(cl, "--concurrency must be between 1 and 1000");
    }
    if (warmup < 0 || warmup > 100_000) {
      throw new CommandLine.ParameterException(cl, "--warmup must be between 0 and 100000");
    }
    if (idleJobs < 0 || idleJobs > 1_000) {
      throw new CommandLine.ParameterException(cl, "--idle-jobs must be between 0 and 1000");
    }
    if (workers != null && (workers < 1 || workers > 1_000)) {
      throw new CommandLine.ParameterException(cl, "--workers must be between 1 and 1000");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new CommandLine.ParameterException(cl, "--timeout must be positive and at most PT1H");
    }
    for (String option : words(serverOpts)) {
      for (String reserved : RESERVED_SERVE_OPTIONS) {
        if (option.equals(reserved) || option.startsWith(reserved + "=")) {
          throw new CommandLine.ParameterException(
              cl,
              "--server-opts may not contain "
                  + reserved
                  + ": the benchmark sets it"
                  + (reserved.equals("--workers") ? " (use --workers)" : ""));
        }
      }
    }
  }

  /** Space-separated options as a list. */
  static List<String> words(String options) {
    return options == null || options.isBlank()
        ? List.of()
        : List.of(options.strip().split("\\s+"));
  }

  private static void progress(PrintWriter err, String message) {
    err.println("bench: " + message);
    err.flush();
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Deletes a directory tree; what is already gone is fine. False if something stayed. */
  static boolean deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
              }
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
      return true;
    } catch (NoSuchFileException alreadyGone) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
