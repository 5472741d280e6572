package dev.qbi.adapters.aws.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * dynalite (a DynamoDB API emulator on Node.js, in memory) as a child process bound to 127.0.0.1 on
 * a free port. One instance per JVM ({@link #shared}), destroyed when the JVM exits.
 *
 * <p>Needs {@code node} on the PATH and {@code tools/dynalite/node_modules} installed ({@code npm
 * ci --prefix tools/dynalite}); the folder is found by walking up from the working directory, or
 * given with the system property {@value #DIR_PROPERTY}.
 */
public final class LocalDynamoDb {

  public static final String DIR_PROPERTY = "qbi.dynalite.dir";
  private static final String READY = "Dynalite listening at";

  private static LocalDynamoDb shared;

  private final Process process;
  private final URI endpoint;

  private LocalDynamoDb(Process process, int port) {
    this.process = process;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
  }

  /** The JVM's dynalite, started on first use. */
  public static synchronized LocalDynamoDb shared() {
    if (shared == null) {
      LocalDynamoDb started = start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "dynalite-stop"));
      shared = started;
    }
    return shared;
  }

  public URI endpoint() {
    return endpoint;
  }

  private void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static LocalDynamoDb start() {
    Path cli = cli();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      try {
        return launch(cli, port);
      } catch (IllegalStateException e) {
        last = e; // most likely the port was taken in between: try another
      }
    }
    throw last;
  }

  private static LocalDynamoDb launch(Path cli, int port) {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  List.of(
                      "node",
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
                      "0"))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "cannot start dynalite: is Node.js ('node') on the PATH? " + e.getMessage(), e);
    }
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.offer(line);
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "dynalite-output");
    drain.setDaemon(true);
    drain.start();
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          if (line.contains(READY)) {
            return new LocalDynamoDb(p, port);
          }
          seen.append(line).append('\n');
        } else if (!p.isAlive()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    p.destroyForcibly();
    throw new IllegalStateException("dynalite did not start on port " + port + ":\n" + seen);
  }

  private static Path cli() {
    Path dir = dynaliteDir();
    Path cli = dir.resolve("node_modules/dynalite/cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new AssertionError(
          "dynalite is not installed ("
              + cli
              + " is missing): run `npm ci --prefix tools/dynalite` from the repository root");
    }
    return cli;
  }

  private static Path dynaliteDir() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("tools/dynalite");
      if (Files.isRegularFile(candidate.resolve("package.json"))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "tools/dynalite not found above "
            + Path.of("").toAbsolutePath()
            + "; set -D"
            + DIR_PROPERTY
            + " or run from the repository");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
