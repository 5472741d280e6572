package dev.qbi.awslocal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dynalite (a DynamoDB API emulator on Node.js, in memory) as a child process on 127.0.0.1.
 *
 * <p>No orphans: {@link #close} ends it (and anything it started), and should this JVM die without
 * closing it (SIGKILL), the Node process notices its standard input close and exits too: it runs
 * dynalite's CLI under a one-line wrapper that exits when stdin ends.
 */
final class Dynalite implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Dynalite.class);
  private static final String READY = "Dynalite listening at";
  private static final String INSTALL = "npm ci --prefix tools/dynalite";

  /** Exits when stdin ends (the JVM is gone), then runs the CLI named by argv[1]. */
  private static final String WRAPPER =
      "process.stdin.on('end',()=>process.exit(0));process.stdin.resume();"
          + "require(process.argv[1]);";

  private final Process process;
  private final URI endpoint;

  private Dynalite(Process process, int port) {
    this.process = process;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
  }

  URI endpoint() {
    return endpoint;
  }

  /** The Node process (tests check it is gone after {@link #close}). */
  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Closes the Node process's standard input, as this JVM's death would (tests). */
  void closeInput() throws IOException {
    process.getOutputStream().close();
  }

  /** Starts dynalite on {@code port} and waits until it listens. */
  static Dynalite start(Optional<Path> configuredDir, int port) {
    Path cli = cli(configuredDir);
    List<String> command =
        List.of(
            "node",
            "-e",
            WRAPPER,
            cli.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--createTableMs",
            "0",
            "--deleteTableMs",
            "0",
            "--updateTableMs",
            "0");
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AwsLocalException(
          "cannot run Node.js ('node' on the PATH) for dynalite: install it (e.g. apt-get install"
              + " nodejs npm), then run "
              + INSTALL,
          e);
    }
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
    Thread drain = new Thread(() -> drain(p, lines), "dynalite-output");
    drain.setDaemon(true);
    drain.start();
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          if (line.contains(READY)) {
            LOG.debug("dynalite (pid {}) listening on port {}", p.pid(), port);
            return new Dynalite(p, port);
          }
          seen.add(line);
        } else if (!p.isAlive()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stop(p);
    String output = String.join(" | ", seen);
    if (output.contains("EADDRINUSE")) {
      throw new AwsLocalException(
          "port " + port + " (DynamoDB, dynalite) is in use: pick another with --dynamodb-port");
    }
    throw new AwsLocalException(
        "dynalite did not start on port " + port + (output.isEmpty() ? "" : ": " + output));
  }

  private static void drain(Process p, BlockingQueue<String> lines) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!lines.offer(line)) {
          LOG.debug("dynalite: {}", line);
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** dynalite's cli.js in the configured folder, else in tools/dynalite found by walking up. */
  private static Path cli(Optional<Path> configuredDir) {
    Path dir = configuredDir.orElseGet(Dynalite::findDir);
    Path cli = dir.resolve("node_modules/dynalite/cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new AwsLocalException(
          "dynalite is not installed (" + cli + " is missing): run " + INSTALL);
    }
    return cli.toAbsolutePath();
  }

  private static Path findDir() {
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    codeLocation().ifPresent(starts::add);
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        Path candidate = p.resolve("tools/dynalite");
        if (Files.isRegularFile(candidate.resolve("package.json"))) {
          return candidate;
        }
      }
    }
    throw new AwsLocalException(
        "tools/dynalite not found above "
            + Path.of("").toAbsolutePath()
            + ": run from the repository, or pass --dynalite-dir");
  }

  private static Optional<Path> codeLocation() {
    try {
      var source = Dynalite.class.getProtectionDomain().getCodeSource();
      return source == null
          ? Optional.empty()
          : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
