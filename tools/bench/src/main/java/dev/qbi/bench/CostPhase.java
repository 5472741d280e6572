package dev.qbi.bench;

import dev.qbi.client.AwsCredentials;
import dev.qbi.client.SigV4Signer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Splits the server's CPU between the two paths of a job, and compares the submit route with a
 * cheap one, on the same server in the same run:
 *
 * <ol>
 *   <li>the workers are paused ({@code POST /admin/workers/pause}, signed with the admin key pair);
 *       {@code jobs} submits are sent: server CPU / accepted = the intake path's CPU per job;
 *   <li>for {@code seconds} each, {@code connections} keep-alive connections send {@code GET
 *       /.well-known/jwks.json} (a static answer), then authenticated submits: the ratio of their
 *       rates is what authentication, validation and the durable write cost next to bare HTTP;
 *   <li>the workers resume and drain everything queued: server CPU / jobs = the processing path's
 *       CPU per job.
 * </ol>
 */
final class CostPhase {
  static final String STATIC_ROUTE = "/" + BenchPhases.POOL_ID + "/.well-known/jwks.json";

  /** What the phase measured. */
  record Costs(
      int intakeJobs,
      double intakeSeconds,
      Optional<Duration> intakeCpu,
      int processedJobs,
      double processingSeconds,
      Optional<Duration> processingCpu,
      int connections,
      double staticPerSecond,
      double submitPerSecond) {

    Optional<Double> intakeMsPerJob() {
      return intakeCpu.map(d -> d.toNanos() / 1e6 / Math.max(1, intakeJobs));
    }

    Optional<Double> processingMsPerJob() {
      return processingCpu.map(d -> d.toNanos() / 1e6 / Math.max(1, processedJobs));
    }

    double ratio() {
      return staticPerSecond <= 0 ? 0 : submitPerSecond / staticPerSecond;
    }
  }

  /** Drains the queue; see {@link BenchPhases}. */
  @FunctionalInterface
  interface Drain {
    void await(long deadline, String phase) throws BenchFailure, InterruptedException;
  }

  private final ServerProcess server;
  private final PrintWriter err;
  private final HttpClient http = HttpClient.newHttpClient();

  CostPhase(ServerProcess server, PrintWriter err) {
    this.server = server;
    this.err = err;
  }

  Costs run(String token, int jobs, int concurrency, int connections, Duration each, Drain drain)
      throws BenchFailure, InterruptedException, IOException {
    URI base = server.baseUrl();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    admin("/admin/workers/pause");
    int queued;
    Optional<Duration> intakeCpu;
    long intakeNanos;
    double staticRate;
    double submitRate;
    try {
      BenchCommand.progress(err, "costs: " + jobs + " submits with the workers paused");
      Optional<Duration> cpu0 = server.cpuTime();
      SubmitLoad.Result intake = SubmitLoad.run(base, token, jobs, concurrency, "intake", deadline);
      intakeCpu = server.cpuTime().flatMap(c -> cpu0.map(c::minus));
      intakeNanos = intake.wallNanos();
      if (intake.errorCount() > 0) {
        throw new BenchFailure("costs: intake-only submits failed: " + intake.errors());
      }
      BenchCommand.progress(
          err, "costs: " + connections + " connections, " + each.toSeconds() + " s per route");
      staticRate = rate(base, connections, each, c -> c.get(STATIC_ROUTE) == 200);
      submitRate =
          rate(
              base,
              connections,
              each,
              c -> c.submit("{\"testMessagePayload\":\"ratio\"}").status() == 200,
              token);
      queued = intake.accepted() + (int) Math.round(submitRate * each.toNanos() / 1e9);
    } finally {
      admin("/admin/workers/resume");
    }
    BenchCommand.progress(err, "costs: workers resumed; draining about " + queued + " jobs");
    Optional<Duration> cpu1 = server.cpuTime();
    long t1 = System.nanoTime();
    drain.await(deadline, "costs");
    Optional<Duration> processingCpu = server.cpuTime().flatMap(c -> cpu1.map(c::minus));
    return new Costs(
        jobs,
        intakeNanos / 1e9,
        intakeCpu,
        queued,
        (System.nanoTime() - t1) / 1e9,
        processingCpu,
        connections,
        staticRate,
        submitRate);
  }

  @FunctionalInterface
  private interface Request {
    boolean send(SubmitConnection connection) throws IOException;
  }

  private static double rate(URI base, int connections, Duration each, Request request)
      throws InterruptedException {
    return rate(base, connections, each, request, "");
  }

  /** Requests per second answered OK by {@code connections} clients during {@code each}. */
  private static double rate(
      URI base, int connections, Duration each, Request request, String token)
      throws InterruptedException {
    LongAdder ok = new LongAdder();
    long start = System.nanoTime();
    long end = start + each.toNanos();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < connections; i++) {
        clients.execute(
            () -> {
              try (SubmitConnection c = new SubmitConnection(base, token)) {
                while (System.nanoTime() - end < 0) {
                  try {
                    if (request.send(c)) {
                      ok.increment();
                    }
                  } catch (IOException e) {
                    c.reset();
                  }
                }
              }
            });
      }
    }
    return ok.sum() / ((System.nanoTime() - start) / 1e9);
  }

  /** A signed admin call; anything but 200 fails the benchmark. */
  private void admin(String path) throws BenchFailure, IOException, InterruptedException {
    URI uri = server.baseUrl().resolve(path);
    AwsCredentials credentials = server.adminCredentials();
    Map<String, String> signed =
        new SigV4Signer(credentials, "us-east-1", "ingest")
            .sign("POST", uri, Map.of(), new byte[0]);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody());
    signed.forEach(request::header);
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new BenchFailure(
          String.format(Locale.ROOT, "costs: POST %s answered HTTP %d", path, answer.statusCode()));
    }
  }
}
