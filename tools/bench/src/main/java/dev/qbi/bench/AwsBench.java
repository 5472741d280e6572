package dev.qbi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.AwsCredentials;
import dev.qbi.client.CognitoClient;
import dev.qbi.client.CognitoException;
import dev.qbi.client.JobApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ingest bench --backend aws}: {@code --instances} servers with {@code --backend aws} on the
 * queue, table and bucket that {@code ./ingest aws-local} created (its {@code export INGEST_...}
 * lines in the environment, and {@code AWS_SHARED_CREDENTIALS_FILE} naming its user pool's admin
 * key pair), or on real AWS. Signs a user up at the issuer's user pool, warms up, submits {@code
 * --jobs} round-robin across the instances from {@code --concurrency} clients, and waits until the
 * queue is empty; prints submits/s and completed jobs/s (from the first submit until the queue is
 * empty, every job then checked to be {@code complete}).
 */
final class AwsBench {
  /** What {@code ./ingest aws-local} exports and the instances need. */
  static final List<String> REQUIRED =
      List.of(
          "INGEST_QUEUE_URL",
          "INGEST_DEAD_LETTER_QUEUE_URL",
          "INGEST_TABLE",
          "INGEST_BUCKET",
          "INGEST_ISSUER",
          "AWS_SHARED_CREDENTIALS_FILE");

  private static final Map<String, String> OPTIONAL =
      Map.of(
          "INGEST_SQS_ENDPOINT", "--sqs-endpoint",
          "INGEST_DYNAMODB_ENDPOINT", "--dynamodb-endpoint",
          "INGEST_S3_ENDPOINT", "--s3-endpoint");
  private static final String PASSWORD = "Bench-Passw0rd!";
  private static final Duration POLL = Duration.ofMillis(200);

  private final BenchOptions options;
  private final Map<String, String> env;
  private final Path work;
  private final PrintWriter err;
  private final List<ServerProcess> servers = new ArrayList<>();

  AwsBench(BenchOptions options, Map<String, String> env, Path work, PrintWriter err) {
    this.options = options;
    this.env = env;
    this.work = work;
    this.err = err;
  }

  /** The missing variables, as one line; empty when all are set. */
  static String missing(Map<String, String> env) {
    List<String> missing =
        REQUIRED.stream().filter(n -> env.getOrDefault(n, "").isBlank()).toList();
    return missing.isEmpty()
        ? ""
        : "--backend aws needs "
            + String.join(", ", missing)
            + " in the environment (run ./ingest aws-local and paste its exports, with"
            + " AWS_SHARED_CREDENTIALS_FILE=<its data dir>/admin-credentials)";
  }

  /** Runs it; returns the report as text or JSON and whether everything completed. */
  Result run() throws BenchFailure, IOException, InterruptedException {
    double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<JobApiClient> apis = new ArrayList<>();
    try {
      for (int i = 0; i < options.instances; i++) {
        apis.add(start(i));
      }
      for (int i = 0; i < apis.size(); i++) {
        servers.get(i).awaitHealthy(apis.get(i), Duration.ofSeconds(60));
      }
      String token = signIn();
      List<JobApiClient> users = apis.stream().map(a -> a.withToken(token)).toList();
      if (options.warmup > 0) {
        BenchCommand.progress(err, "warm-up: " + options.warmup + " jobs (not counted)");
        awaitComplete(users, submit(users, options.warmup).accepted(), Duration.ofMinutes(5));
      }
      BenchCommand.progress(
          err, options.jobs + " jobs across " + options.instances + " instance(s)");
      long start = System.nanoTime();
      Submits submits = submit(users, options.jobs);
      double submitSeconds = (System.nanoTime() - start) / 1e9;
      long complete = awaitComplete(users, submits.accepted(), options.timeout);
      double allSeconds = (System.nanoTime() - start) / 1e9;
      long incomplete = submits.accepted().size() - complete;
      long errors = submits.errors() + incomplete;
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("backend", "aws");
      report.put("instances", options.instances);
      report.put("jobs", options.jobs);
      report.put("concurrency", options.concurrency);
      report.put("submitsPerSecond", round(submits.accepted().size() / submitSeconds));
      report.put("completedPerSecond", round(complete / allSeconds));
      report.put("accepted", submits.accepted().size());
      report.put("complete", complete);
      report.put("submitErrors", submits.errors());
      report.put("incomplete", incomplete);
      report.put("errors", errors);
      report.put("loadAverage", round(loadAverage));
      String text =
          options.json
              ? new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report)
              : String.format(
                  "backend aws, %d instance(s), %d jobs from %d clients (load average %.1f)%n"
                      + "  submits/s          %.0f%n"
                      + "  completed jobs/s   %.0f  (first submit to last completion)%n"
                      + "  errors             %d  (%d submit(s) refused, %d accepted job(s) not"
                      + " complete within --timeout %s)",
                  options.instances,
                  options.jobs,
                  options.concurrency,
                  loadAverage,
                  submits.accepted().size() / submitSeconds,
                  complete / allSeconds,
                  errors,
                  submits.errors(),
                  incomplete,
                  options.timeout);
      return new Result(text, errors);
    } finally {
      apis.forEach(JobApiClient::close);
      servers.forEach(ServerProcess::close);
    }
  }

  record Result(String text, long errors) {}

  private record Submits(Set<String> accepted, long errors) {}

  private JobApiClient start(int n) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> serve = new ArrayList<>(List.of("--backend", "aws"));
    serve.addAll(List.of("--queue-url", env.get("INGEST_QUEUE_URL")));
    serve.addAll(List.of("--dead-letter-queue-url", env.get("INGEST_DEAD_LETTER_QUEUE_URL")));
    serve.addAll(List.of("--table", env.get("INGEST_TABLE"), "--bucket", env.get("INGEST_BUCKET")));
    serve.addAll(List.of("--issuer", env.get("INGEST_ISSUER"), "--client-id", clientId()));
    OPTIONAL.forEach(
        (name, option) -> {
          if (!env.getOrDefault(name, "").isBlank()) {
            serve.addAll(List.of(option, env.get(name)));
          }
        });
    serve.addAll(options.serveOptions());
    Path dir = work.resolve("instance-" + n);
    List<String> command =
        ServerProcess.command(
            ServerProcess.currentJava(),
            System.getProperty("java.class.path"),
            port,
            dir,
            options.jvmOptions(),
            serve);
    Map<String, String> aws = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith("AWS_")) {
            aws.put(k, v);
          }
        });
    BenchCommand.progress(err, "starting instance " + n + " on 127.0.0.1:" + port);
    ServerProcess server =
        ServerProcess.start(command, port, work.resolve("instance-" + n + ".log"), dir, aws);
    servers.add(server);
    return JobApiClient.builder(server.baseUrl()).build();
  }

  private String clientId() {
    return env.getOrDefault("INGEST_CLIENT_ID", "ingestion-local-client");
  }

  /** Signs a new user up at the issuer's pool (its admin key pair confirms it); its IdToken. */
  private String signIn() throws BenchFailure, IOException, InterruptedException {
    URI issuer = URI.create(env.get("INGEST_ISSUER"));
    String pool = issuer.getPath().substring(issuer.getPath().lastIndexOf('/') + 1);
    String endpoint = issuer.getScheme() + "://" + issuer.getAuthority();
    String username = "bench-" + UUID.randomUUID() + "@example.com";
    try (CognitoClient cognito =
        new CognitoClient(
            endpoint,
            AwsCredentials.fromSharedCredentialsFile(
                Path.of(env.get("AWS_SHARED_CREDENTIALS_FILE"))))) {
      cognito.signUp(clientId(), username, PASSWORD, Map.of("email", username));
      cognito.adminConfirmSignUp(pool, username);
      return cognito
          .initiateAuth(clientId(), username, PASSWORD)
          .tokens()
          .orElseThrow(() -> new BenchFailure("InitiateAuth answered no IdToken"))
          .idToken();
    } catch (CognitoException e) {
      throw new BenchFailure("signing in the benchmark user at " + endpoint + " failed: " + e, e);
    }
  }

  /** {@code count} submits round-robin across the instances from the configured clients. */
  private Submits submit(List<JobApiClient> users, int count) throws InterruptedException {
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(options.concurrency);
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < options.concurrency; c++) {
      clients.add(
          pool.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                  try {
                    accepted.add(users.get(i % users.size()).submit("{\"bench\":" + i + "}"));
                  } catch (IOException e) {
                    errors.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> f : clients) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdown();
    }
    return new Submits(accepted, errors.get());
  }

  /**
   * Waits until the queue is empty ({@code queueDepth} of {@code GET /health}: SQS's counts of
   * waiting and leased messages), then checks every job once; returns how many are complete.
   */
  private long awaitComplete(List<JobApiClient> users, Set<String> ids, Duration timeout)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      OptionalLong depth = ServerProcess.queueDepth(users.getFirst());
      if (depth.isPresent() && depth.getAsLong() == 0) {
        break;
      }
      Thread.sleep(POLL.toMillis());
    }
    long complete = 0;
    int i = 0;
    for (String id : ids) {
      if (users.get(i++ % users.size()).status(id).complete()) {
        complete++;
      }
    }
    return complete;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
