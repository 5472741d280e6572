package dev.qbi.bench;

import dev.qbi.client.JobApiClient;
import dev.qbi.client.RawResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code ingest bench --soak DURATION}: a steady load for a long time, to see the server's memory
 * stay flat and nothing fail. After the warm-up it measures the submit rate the server sustains in
 * a short burst and, unless {@code --rate} says otherwise, submits at half of it, paced evenly,
 * from {@code --concurrency} clients; every {@value #SAMPLE_SECONDS} s it prints the elapsed time,
 * the submits so far, the errors and the server's RSS. At the end it waits for the queue to drain
 * and reports the errors (non-200 submits, jobs not completed) and the RSS growth from the first
 * sample to the last.
 */
final class SoakPhase {
  static final int SAMPLE_SECONDS = 30;
  private static final int CALIBRATION_JOBS = 3_000;
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** One sample: seconds into the soak, submits accepted so far, errors so far, RSS. */
  record Sample(long seconds, long accepted, long errors, OptionalLong rssBytes) {}

  /** What the soak did. */
  record Result(
      double calibratedPerSecond,
      int rate,
      Duration duration,
      List<Sample> samples,
      long accepted,
      Map<String, Long> submitErrors,
      long completed,
      long failedJobs) {

    long errors() {
      return submitErrors.values().stream().mapToLong(Long::longValue).sum()
          + failedJobs
          + Math.max(0, accepted - completed - failedJobs);
    }

    double achievedPerSecond() {
      return duration.isZero() ? 0 : accepted / (duration.toMillis() / 1000.0);
    }

    /** The figures for people: the samples, then the totals. */
    String toText() {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "soak of %s at %d submits/s%s (achieved %.0f/s)%n",
              duration,
              rate,
              calibratedPerSecond > 0
                  ? String.format(Locale.ROOT, ", half of the %.0f/s measured", calibratedPerSecond)
                  : "",
              achievedPerSecond()));
      out.append(
          String.format("%8s  %12s  %7s  %9s%n", "seconds", "accepted", "errors", "RSS MiB"));
      for (Sample s : samples) {
        out.append(
            String.format(
                Locale.ROOT,
                "%8d  %,12d  %7d  %9s%n",
                s.seconds(),
                s.accepted(),
                s.errors(),
                s.rssBytes().isPresent() ? Long.toString(mib(s.rssBytes().getAsLong())) : "n/a"));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "accepted %,d, completed %,d, failed %d; submit errors %s; errors %d%n",
              accepted,
              completed,
              failedJobs,
              submitErrors.isEmpty() ? "none" : submitErrors,
              errors()));
      out.append(
          "RSS growth to the last sample: "
              + rssGrowthPercent().map(SoakPhase::percent).orElse("n/a")
              + " from the first"
              + rssGrowthAfterFirstMinutePercent()
                  .map(g -> ", " + percent(g) + " from the first a minute in")
                  .orElse(""));
      return out.toString();
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new java.util.LinkedHashMap<>();
      json.put("durationSeconds", duration.toSeconds());
      json.put("rate", rate);
      json.put("calibratedPerSecond", calibratedPerSecond > 0 ? calibratedPerSecond : null);
      json.put("achievedPerSecond", achievedPerSecond());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Sample s : samples) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("seconds", s.seconds());
        row.put("accepted", s.accepted());
        row.put("errors", s.errors());
        row.put("rssBytes", s.rssBytes().isPresent() ? s.rssBytes().getAsLong() : null);
        rows.add(row);
      }
      json.put("samples", rows);
      json.put("accepted", accepted);
      json.put("completed", completed);
      json.put("failedJobs", failedJobs);
      json.put("submitErrors", submitErrors);
      json.put("errors", errors());
      json.put("rssGrowthPercent", rssGrowthPercent().orElse(null));
      json.put("rssGrowthAfterFirstMinutePercent", rssGrowthAfterFirstMinutePercent().orElse(null));
      return json;
    }

    /** RSS change from the first sample to the last, in percent; empty without figures. */
    Optional<Double> rssGrowthPercent() {
      return samples.isEmpty() ? Optional.empty() : growthFrom(samples.get(0));
    }

    /**
     * RSS change from the first sample a minute or more into the soak (the JVM has sized its heap
     * by then) to the last; empty when the soak is shorter.
     */
    Optional<Double> rssGrowthAfterFirstMinutePercent() {
      for (Sample s : samples.subList(0, Math.max(0, samples.size() - 1))) {
        if (s.seconds() >= 60) {
          return growthFrom(s);
        }
      }
      return Optional.empty();
    }

    private Optional<Double> growthFrom(Sample from) {
      OptionalLong first = from.rssBytes();
      OptionalLong last = samples.get(samples.size() - 1).rssBytes();
      if (first.isEmpty() || last.isEmpty() || first.getAsLong() == 0) {
        return Optional.empty();
      }
      return Optional.of(100.0 * (last.getAsLong() - first.getAsLong()) / first.getAsLong());
    }
  }

  private final JobApiClient api;
  private final ServerProcess server;
  private final PrintWriter err;

  SoakPhase(JobApiClient api, ServerProcess server, PrintWriter err) {
    this.api = api;
    this.server = server;
    this.err = err;
  }

  /**
   * @param token the signed-in user's IdToken (the warm-up has run)
   * @param rate submits per second; 0 = half of what a short burst achieves
   */
  Result run(String token, Duration duration, int rate, int concurrency)
      throws BenchFailure, InterruptedException, IOException {
    double calibrated = 0;
    if (rate <= 0) {
      progress("calibrating: " + CALIBRATION_JOBS + " submits as fast as they are answered");
      SubmitLoad.Result burst =
          SubmitLoad.run(
              api.baseUri(),
              token,
              CALIBRATION_JOBS,
              concurrency,
              "calibration",
              System.nanoTime() + Duration.ofMinutes(2).toNanos());
      if (burst.errorCount() > 0 || burst.accepted() == 0) {
        throw new BenchFailure("calibration: errors " + burst.errors());
      }
      calibrated = burst.perSecond();
      rate = Math.max(1, (int) (calibrated / 2));
      awaitDrained("calibration");
    }
    long completedBefore = counter("completed");
    long failedBefore = counter("failed");
    progress(
        String.format(
            Locale.ROOT,
            "soak: %d submits/s for %s%s from %d clients; a sample every %d s",
            rate,
            duration,
            calibrated > 0 ? String.format(Locale.ROOT, " (half of %.0f/s)", calibrated) : "",
            concurrency,
            SAMPLE_SECONDS));

    Semaphore due = new Semaphore(0);
    AtomicBoolean done = new AtomicBoolean();
    LongAdder accepted = new LongAdder();
    Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < concurrency; c++) {
        int client = c;
        clients.execute(() -> submitLoop(token, client, due, done, accepted, errors));
      }
      long released = 0;
      long nextSample = start;
      while (true) {
        long now = System.nanoTime();
        if (now - nextSample >= 0) {
          Sample s = sample(start, now, accepted, errors);
          samples.add(s);
          progress(describe(s));
          nextSample += TimeUnit.SECONDS.toNanos(SAMPLE_SECONDS);
        }
        if (now - end >= 0) {
          break;
        }
        if (!server.isAlive()) {
          throw new BenchFailure("soak: the server exited; its log:\n" + server.logTail(30));
        }
        // paced: the submits due by now, at most one second of them waiting at a time
        long target = (long) ((now - start) / 1e9 * rate);
        int release = (int) Math.min(target - released, Math.max(0, rate - due.availablePermits()));
        if (release > 0) {
          due.release(release);
        }
        released = target;
        Thread.sleep(Duration.ofNanos(TICK_NANOS));
      }
      done.set(true);
      due.release(concurrency);
    }
    awaitDrained("soak");
    Sample last = sample(start, System.nanoTime(), accepted, errors);
    samples.add(last);
    progress(describe(last) + " (drained)");
    Map<String, Long> errorCounts = new TreeMap<>();
    errors.forEach((kind, n) -> errorCounts.put(kind, n.sum()));
    return new Result(
        calibrated,
        rate,
        duration,
        List.copyOf(samples),
        accepted.sum(),
        errorCounts,
        counter("completed") - completedBefore,
        counter("failed") - failedBefore);
  }

  private void submitLoop(
      String token,
      int client,
      Semaphore due,
      AtomicBoolean done,
      LongAdder accepted,
      Map<String, LongAdder> errors) {
    try (SubmitConnection connection = new SubmitConnection(api.baseUri(), token)) {
      long i = 0;
      while (true) {
        due.acquire();
        if (done.get()) {
          return;
        }
        String body = "{\"testMessagePayload\":\"soak-" + client + "-" + i++ + "\"}";
        try {
          SubmitConnection.Submitted answer = connection.submit(body);
          if (answer.jobId().isPresent()) {
            accepted.increment();
          } else {
            errors.computeIfAbsent("HTTP " + answer.status(), k -> new LongAdder()).increment();
          }
        } catch (IOException e) {
          connection.reset();
          errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Sample sample(long start, long now, LongAdder accepted, Map<String, LongAdder> errors) {
    long errorCount = errors.values().stream().mapToLong(LongAdder::sum).sum();
    OptionalLong rss =
        server.memory().map(m -> OptionalLong.of(m.rssBytes())).orElse(OptionalLong.empty());
    return new Sample(TimeUnit.NANOSECONDS.toSeconds(now - start), accepted.sum(), errorCount, rss);
  }

  static String describe(Sample s) {
    return String.format(
        Locale.ROOT,
        "soak %5d s: %,d accepted, %d errors, RSS %s",
        s.seconds(),
        s.accepted(),
        s.errors(),
        s.rssBytes().isPresent() ? mib(s.rssBytes().getAsLong()) + " MiB" : "n/a");
  }

  private static String percent(double p) {
    return String.format(Locale.ROOT, "%+.1f%%", p);
  }

  static long mib(long bytes) {
    return Math.round(bytes / (1024.0 * 1024.0));
  }

  /** A counter of {@code ingest_jobs_processed_total} from {@code /metrics}, by outcome. */
  private long counter(String outcome) throws IOException, InterruptedException {
    RawResponse metrics = api.rawGet("/metrics");
    String prefix = "ingest_jobs_processed_total{outcome=\"" + outcome + "\"";
    for (String line : metrics.bodyText().split("\n")) {
      if (line.startsWith(prefix)) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private void awaitDrained(String phase) throws BenchFailure, InterruptedException {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    OptionalLong depth = OptionalLong.empty();
    while (System.nanoTime() - deadline < 0) {
      depth = ServerProcess.queueDepth(api);
      if (depth.isPresent() && depth.getAsLong() == 0) {
        return;
      }
      if (!server.isAlive()) {
        throw new BenchFailure(phase + ": the server exited; its log:\n" + server.logTail(30));
      }
      Thread.sleep(100);
    }
    throw new BenchFailure(phase + ": the queue was not drained in time (depth " + depth + ")");
  }

  private void progress(String message) {
    BenchCommand.progress(err, message);
  }
}
