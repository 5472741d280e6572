package dev.qbi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.ApiException;
import dev.qbi.client.CognitoClient;
import dev.qbi.client.CognitoException;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobListQuery;
import dev.qbi.client.JobPage;
import dev.qbi.client.JobStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's phases against a started server: sign a user in, warm up, measure idle latency,
 * then the measured load, its drain and the collection of every job's timestamps into a {@link
 * BenchReport}. Progress goes to {@code err}.
 */
final class BenchPhases {
  static final String CLIENT_ID = "ingestion-local-client";
  static final String POOL_ID = "local_ingestion";
  private static final String PASSWORD = "Bench-Passw0rd!";
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WARMUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration IDLE_JOB_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration IDLE_POLL = Duration.ofNanos(200_000);
  private static final int PAGE_SIZE = 100;
  private static final int COST_CONNECTIONS = 64;
  private static final Duration COST_ROUTE_TIME = Duration.ofSeconds(3);

  private final BenchOptions options;
  private final JobApiClient api;
  private final ServerProcess server;
  private final PrintWriter err;

  /**
   * @param api the server's API, without a token (the phases sign their own user in)
   */
  BenchPhases(BenchOptions options, JobApiClient api, ServerProcess server, PrintWriter err) {
    this.options = options;
    this.api = api;
    this.server = server;
    this.err = err;
  }

  /** Runs every phase; {@code loadAverage} is the machine's load before the server started. */
  BenchReport run(double loadAverage) throws BenchFailure, InterruptedException, IOException {
    String token = signInAndWarmUp();
    JobApiClient user = api.withToken(token);
    int concurrency = options.concurrency;

    BenchReport.Idle idle = idleLatency(token);

    int jobs = options.jobs;
    Duration timeout = options.timeout;
    progress(
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
    SubmitLoad.Result load =
        SubmitLoad.run(api.baseUri(), token, jobs, concurrency, "bench", deadline);
    BenchReport.CpuUse submitCpu = cpuSince(serverCpu0, clientCpu0, phaseStart);
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
        String.format(
            Locale.ROOT,
            "submitted %d in %.2f s; waiting for the queue to drain",
            load.accepted(),
            load.wallNanos() / 1e9));
    awaitDrained(deadline, "measured phase");
    BenchReport.CpuUse measuredCpu = cpuSince(serverCpu0, clientCpu0, phaseStart);
    Map<String, JobStatus> finished = collect(user, load.jobIds(), deadline);
    Optional<ProcMemory> memory = server.memory();
    CostPhase.Costs costs =
        new CostPhase(server, err)
            .run(
                token,
                Math.max(1, jobs / 2),
                concurrency,
                COST_CONNECTIONS,
                COST_ROUTE_TIME,
                this::awaitDrained);

    int complete = 0;
    int failed = 0;
    Instant lastCompletion = load.startedAt();
    long[] latencies = new long[load.accepted()];
    for (JobStatus job : finished.values()) {
      if (job.complete()) {
        latencies[complete++] = submitToUpdate(job).toNanos();
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
        options.parameters(),
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
        Percentiles.of(Arrays.copyOf(latencies, complete)),
        idle,
        memory,
        submitCpu,
        measuredCpu,
        costs);
  }

  /** {@code --soak}: sign in, warm up, then the steady load of {@link SoakPhase}. */
  SoakPhase.Result soak() throws BenchFailure, InterruptedException, IOException {
    String token = signInAndWarmUp();
    return new SoakPhase(api, server, err)
        .run(token, options.soak, options.rate, options.concurrency);
  }

  /** Waits for the server, signs a new user in, runs the warm-up; returns the user's IdToken. */
  private String signInAndWarmUp() throws BenchFailure, InterruptedException, IOException {
    server.awaitHealthy(api, HEALTH_TIMEOUT);
    String username = "bench-" + UUID.randomUUID() + "@example.com";
    String token = signUpAndLogin(username);
    progress("signed in " + username);
    int warmup = options.warmup;
    int concurrency = options.concurrency;
    if (warmup > 0) {
      progress("warm-up: " + warmup + " jobs (not counted)");
      long deadline = System.nanoTime() + WARMUP_TIMEOUT.toNanos();
      SubmitLoad.Result w =
          SubmitLoad.run(api.baseUri(), token, warmup, concurrency, "warmup", deadline);
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
      awaitDrained(deadline, "warm-up");
    }
    return token;
  }

  /**
   * SignUp, AdminConfirmSignUp (signed with the server's admin key pair) and InitiateAuth
   * (USER_PASSWORD_AUTH); returns the IdToken.
   */
  private String signUpAndLogin(String username)
      throws BenchFailure, IOException, InterruptedException {
    try (CognitoClient cognito =
        new CognitoClient(api.baseUri().toString(), server.adminCredentials())) {
      cognito.signUp(CLIENT_ID, username, PASSWORD, Map.of("email", username));
      cognito.adminConfirmSignUp(POOL_ID, username);
      return cognito
          .initiateAuth(CLIENT_ID, username, PASSWORD)
          .tokens()
          .orElseThrow(() -> new BenchFailure("InitiateAuth answered no IdToken"))
          .idToken();
    } catch (CognitoException e) {
      throw new BenchFailure("signing in the benchmark user failed: " + e, e);
    }
  }

  /**
   * Sequential single jobs, each polled until complete: latency on an otherwise idle server. The
   * submit and the polls go over one kept-alive connection written against the socket, like the
   * load's, so that the figure is the server's and not a heavyweight client's.
   */
  private BenchReport.Idle idleLatency(String token)
      throws BenchFailure, InterruptedException, IOException {
    int idleJobs = options.idleJobs;
    if (idleJobs > 0) {
      progress("idle latency: " + idleJobs + " sequential jobs");
    }
    long[] clientNanos = new long[idleJobs];
    long[] serverNanos = new long[idleJobs];
    try (SubmitConnection connection = new SubmitConnection(api.baseUri(), token)) {
      for (int i = 0; i < idleJobs; i++) {
        long t0 = System.nanoTime();
        SubmitConnection.Submitted submitted =
            connection.submit("{\"testMessagePayload\":\"idle-" + i + "\"}");
        if (submitted.jobId().isEmpty()) {
          throw new BenchFailure("idle latency: submit answered HTTP " + submitted.status());
        }
        String id = submitted.jobId().get();
        JobStatus status = awaitTerminal(connection, id, t0 + IDLE_JOB_TIMEOUT.toNanos());
        if (!status.complete()) {
          throw new BenchFailure("idle latency: job " + id + " " + status.status());
        }
        clientNanos[i] = System.nanoTime() - t0;
        serverNanos[i] = submitToUpdate(status).toNanos();
      }
    }
    return new BenchReport.Idle(idleJobs, Percentiles.of(clientNanos), Percentiles.of(serverNanos));
  }

  /** Polls one job's status every {@link #IDLE_POLL} until it is terminal. */
  private JobStatus awaitTerminal(SubmitConnection connection, String id, long deadline)
      throws BenchFailure, IOException {
    while (System.nanoTime() - deadline < 0) {
      SubmitConnection.Answer answer = connection.status(id);
      if (answer.status() != 200) {
        throw new BenchFailure("idle latency: status of " + id + " answered " + answer.status());
      }
      JobStatus status = JobStatus.of(JSON.readTree(answer.body()));
      if (status.terminal()) {
        return status;
      }
      LockSupport.parkNanos(IDLE_POLL.toNanos());
    }
    throw new BenchFailure(
        "idle latency: job "
            + id
            + " not complete after "
            + IDLE_JOB_TIMEOUT.toSeconds()
            + " s"
            + (server.isAlive() ? "" : "; the server exited:\n" + server.logTail(30)));
  }

  /** Waits until {@code GET /health} reports an empty queue: every message acknowledged. */
  private void awaitDrained(long deadline, String phase) throws BenchFailure, InterruptedException {
    OptionalLong depth = OptionalLong.empty();
    while (System.nanoTime() - deadline < 0) {
      depth = ServerProcess.queueDepth(api);
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
  private Map<String, JobStatus> collect(JobApiClient user, List<String> ids, long deadline)
      throws BenchFailure, InterruptedException, IOException {
    Set<String> wanted = new HashSet<>(ids);
    int maxPages = ids.size() / PAGE_SIZE + 1_000;
    while (true) {
      Map<String, JobStatus> seen = new HashMap<>();
      JobListQuery query = JobListQuery.all().withLimit(PAGE_SIZE);
      for (int page = 0; page < maxPages && seen.size() < wanted.size(); page++) {
        JobPage p;
        try {
          p = user.listJobs(query);
        } catch (ApiException e) {
          throw new BenchFailure(e.getMessage(), e);
        }
        for (JobStatus job : p.jobs()) {
          if (wanted.contains(job.jobId())) {
            seen.put(job.jobId(), job);
          }
        }
        if (p.next().isEmpty()) {
          break;
        }
        query = query.withNext(p.next());
      }
      long terminal = seen.values().stream().filter(JobStatus::terminal).count();
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

  private static Duration submitToUpdate(JobStatus job) {
    return Duration.between(job.submittedAt(), job.updatedAt());
  }

  /** CPU time of the server and of this process since the given readings, and the wall time. */
  private BenchReport.CpuUse cpuSince(
      Optional<Duration> serverBefore, Optional<Duration> clientBefore, long phaseStart) {
    return new BenchReport.CpuUse(
        since(server.cpuTime(), serverBefore),
        since(ProcessHandle.current().info().totalCpuDuration(), clientBefore),
        (System.nanoTime() - phaseStart) / 1e9);
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

  private void progress(String message) {
    BenchCommand.progress(err, message);
  }
}
