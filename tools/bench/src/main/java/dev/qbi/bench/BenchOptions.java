package dev.qbi.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of {@code ingest bench} (a picocli mixin of {@link BenchCommand}) and their limits,
 * checked by {@link #validate} before anything starts.
 */
final class BenchOptions {
  /** {@code --jobs} of {@code --backend aws} when neither the option nor its variable is given. */
  static final int AWS_DEFAULT_JOBS = 2_000;

  /**
   * {@code --warmup} of {@code --backend aws} when neither the option nor its variable is given.
   */
  static final int AWS_DEFAULT_WARMUP = 200;

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

  @Option(
      names = "--jobs",
      defaultValue = "${env:INGEST_BENCH_JOBS:-20000}",
      description =
          "Jobs in the measured phase (env INGEST_BENCH_JOBS; with --backend aws the default is "
              + AWS_DEFAULT_JOBS
              + ").")
  int jobs;

  @Option(
      names = "--concurrency",
      defaultValue = "${env:INGEST_BENCH_CONCURRENCY:-50}",
      description =
          "Concurrent clients submitting in the measured phase (env INGEST_BENCH_CONCURRENCY).")
  int concurrency;

  @Option(
      names = "--warmup",
      defaultValue = "${env:INGEST_BENCH_WARMUP:-5000}",
      description =
          "Jobs submitted and completed before measuring, not counted (env INGEST_BENCH_WARMUP;"
              + " with --backend aws the default is "
              + AWS_DEFAULT_WARMUP
              + ").")
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
          "Limit of the measured phase (submits, completion, collection), e.g. 5m or PT5M"
              + " (env INGEST_BENCH_TIMEOUT).")
  Duration timeout;

  @Option(
      names = "--soak",
      paramLabel = "DURATION",
      description =
          "Instead of the measured phases: a steady load for this long (ISO-8601, e.g. PT10M;"
              + " at most PT24H), printing the server's RSS every "
              + SoakPhase.SAMPLE_SECONDS
              + " s, then the errors and the RSS growth.")
  Duration soak;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description =
          "Submits per second of --soak; 0 = half of what a short burst achieves on this machine.")
  int rate;

  @Option(
      names = "--keep-data",
      description = "Keep the temporary data dir and server log (its path is printed).")
  boolean keepData;

  @Option(names = "--json", description = "Print the figures as one JSON object.")
  boolean json;

  @Option(
      names = "--backend",
      defaultValue = "local",
      description =
          "local (one server on its own data dir) or aws (--instances servers with --backend aws"
              + " on the queue, table and bucket of ./ingest aws-local's exports in the"
              + " environment; submits/s and completed jobs/s only).")
  String backend;

  @Option(
      names = "--instances",
      defaultValue = "1",
      description = "--backend aws: servers started, the jobs submitted round-robin across them.")
  int instances;

  /**
   * Refuses out-of-range counts and serve options the benchmark sets itself (exit code 2). With
   * {@code --backend aws}, {@code --jobs} and {@code --warmup} given neither as options nor in
   * {@code env} take the smaller defaults the emulators can finish within the timeout.
   */
  void validate(CommandLine cl, Map<String, String> env) {
    if (aws()) {
      CommandLine.ParseResult given = cl.getParseResult();
      if (!given.hasMatchedOption("--jobs") && !env.containsKey("INGEST_BENCH_JOBS")) {
        jobs = AWS_DEFAULT_JOBS;
      }
      if (!given.hasMatchedOption("--warmup") && !env.containsKey("INGEST_BENCH_WARMUP")) {
        warmup = AWS_DEFAULT_WARMUP;
      }
    }
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
      throw new CommandLine.ParameterException(cl, "--timeout must be positive and at most 1h");
    }
    if (soak != null
        && (soak.isNegative() || soak.isZero() || soak.compareTo(Duration.ofHours(24)) > 0)) {
      throw new CommandLine.ParameterException(cl, "--soak must be positive and at most PT24H");
    }
    if (rate < 0 || rate > 100_000) {
      throw new CommandLine.ParameterException(cl, "--rate must be between 0 and 100000");
    }
    if (instances < 1 || instances > 10) {
      throw new CommandLine.ParameterException(cl, "--instances must be between 1 and 10");
    }
    if (!backend.equalsIgnoreCase("local") && !backend.equalsIgnoreCase("aws")) {
      throw new CommandLine.ParameterException(cl, "--backend must be local or aws");
    }
    if (!aws() && instances != 1) {
      throw new CommandLine.ParameterException(cl, "--instances goes with --backend aws");
    }
    if (aws() && soak != null) {
      throw new CommandLine.ParameterException(cl, "--soak runs on the local backend only");
    }
    if (rate > 0 && soak == null) {
      throw new CommandLine.ParameterException(cl, "--rate goes with --soak");
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

  /** {@code --backend aws}. */
  boolean aws() {
    return "aws".equalsIgnoreCase(backend);
  }

  /**
   * The server's {@code serve} options: {@code --workers} when given, then {@code --server-opts}.
   */
  List<String> serveOptions() {
    List<String> options = new ArrayList<>();
    if (workers != null) {
      options.add("--workers");
      options.add(workers.toString());
    }
    options.addAll(words(serverOpts));
    return options;
  }

  /** The server's JVM options ({@code --jvm-opts}). */
  List<String> jvmOptions() {
    return words(jvmOpts);
  }

  /** What was asked, for the report. */
  BenchReport.Parameters parameters() {
    return new BenchReport.Parameters(
        jobs,
        concurrency,
        warmup,
        idleJobs,
        Optional.ofNullable(workers),
        words(serverOpts),
        words(jvmOpts));
  }

  /** Space-separated options as a list. */
  static List<String> words(String options) {
    return options == null || options.isBlank()
        ? List.of()
        : List.of(options.strip().split("\\s+"));
  }
}
