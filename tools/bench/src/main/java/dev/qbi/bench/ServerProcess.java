package dev.qbi.bench;

import dev.qbi.client.AwsCredentials;
import dev.qbi.client.JobApiClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@code ingest serve} as a separate child JVM on a loopback port over its own data dir, its output
 * going to a log file: the server is measured as users run it, not sharing a heap or JIT with the
 * load generator.
 */
final class ServerProcess implements AutoCloseable {
  static final String MAIN_CLASS = "dev.qbi.runtime.local.Main";

  /** The server's heap when nothing else is said: the {@code ./ingest} launcher's default. */
  static final String DEFAULT_HEAP = "160m";

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final Process process;
  private final Path log;
  private final URI baseUrl;
  private final Path dataDir;

  private ServerProcess(Process process, Path log, URI baseUrl, Path dataDir) {
    this.process = process;
    this.log = log;
    this.baseUrl = baseUrl;
    this.dataDir = dataDir;
  }

  /** The java executable of this JVM (so the child runs on the same JDK). */
  static String currentJava() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The child's command line: {@code java [heap] [jvm options] -cp <class path>
   * dev.qbi.runtime.local.Main serve --host 127.0.0.1 --port <port> --data-dir <dir> --log-format
   * text [serve options]}; the heap as {@code ./ingest serve} gets it (see {@link #heapOptions}).
   */
  static List<String> command(
      String java,
      String classPath,
      int port,
      Path dataDir,
      List<String> jvmOptions,
      List<String> serveOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(heapOptions(jvmOptions, System.getenv("INGEST_HEAP")));
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(MAIN_CLASS);
    cmd.add("serve");
    cmd.add("--host");
    cmd.add("127.0.0.1");
    cmd.add("--port");
    cmd.add(Integer.toString(port));
    cmd.add("--data-dir");
    cmd.add(dataDir.toString());
    cmd.add("--log-format");
    cmd.add("text");
    cmd.addAll(serveOptions);
    return cmd;
  }

  /**
   * The heap option of the server, as the launcher chooses it: none when {@code jvmOptions} size
   * the heap themselves ({@code -Xmx}, {@code -XX:MaxRAM...}), else {@code -Xmx<INGEST_HEAP>}, else
   * {@code -Xmx}{@value #DEFAULT_HEAP}.
   */
  static List<String> heapOptions(List<String> jvmOptions, String ingestHeap) {
    for (String option : jvmOptions) {
      if (option.startsWith("-Xmx")
          || option.startsWith("-XX:MaxRAM")
          || option.startsWith("-XX:MinRAM")
          || option.startsWith("-XX:InitialRAM")) {
        return List.of();
      }
    }
    return List.of(
        "-Xmx" + (ingestHeap == null || ingestHeap.isBlank() ? DEFAULT_HEAP : ingestHeap.strip()));
  }

  /**
   * Starts the child. Its environment has no {@code INGEST_*} variables, so it runs with {@code
   * serve}'s defaults plus exactly the given options.
   */
  static ServerProcess start(List<String> command, int port, Path log, Path dataDir)
      throws IOException {
    return start(command, port, log, dataDir, Map.of());
  }

  /** {@link #start(List, int, Path, Path)} with {@code env} added to the child's environment. */
  static ServerProcess start(
      List<String> command, int port, Path log, Path dataDir, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(name -> name.startsWith("INGEST_"));
    pb.environment().putAll(env);
    return new ServerProcess(pb.start(), log, URI.create("http://127.0.0.1:" + port), dataDir);
  }

  /**
   * The admin key pair the child wrote to {@code <data-dir>/admin-credentials} on its start (for
   * the signed AdminConfirmSignUp of the benchmark user).
   */
  AwsCredentials adminCredentials() throws IOException {
    return AwsCredentials.fromSharedCredentialsFile(dataDir.resolve("admin-credentials"));
  }

  URI baseUrl() {
    return baseUrl;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** {@code queueDepth} of {@code GET /health} when it answers 200; empty otherwise. */
  static OptionalLong queueDepth(JobApiClient api) throws InterruptedException {
    try {
      return api.health().queueDepth();
    } catch (IOException notReachableOrNotUp) {
      return OptionalLong.empty();
    }
  }

  /** Waits until {@code GET /health} answers 200. */
  void awaitHealthy(JobApiClient api, Duration timeout) throws BenchFailure, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new BenchFailure(
            "the server exited with code "
                + process.exitValue()
                + " before it was healthy; the end of its log ("
                + log
                + "):\n"
                + logTail(30));
      }
      if (queueDepth(api).isPresent()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new BenchFailure(
        "the server was not healthy after "
            + timeout.toSeconds()
            + " s; the end of its log ("
            + log
            + "):\n"
            + logTail(30));
  }

  /** CPU time the child has used so far (user + system), when the platform tells. */
  Optional<Duration> cpuTime() {
    return process.toHandle().info().totalCpuDuration();
  }

  Optional<ProcMemory> memory() {
    return process.isAlive() ? ProcMemory.of(process.pid()) : Optional.empty();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The last {@code lines} lines of the child's log. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited after a grace period. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
