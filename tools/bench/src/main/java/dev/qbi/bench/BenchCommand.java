package dev.qbi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.JobApiClient;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ingest bench}: starts the server as a child JVM on a loopback port over a temporary data
 * dir, signs a user in through the Cognito protocol, warms up, and measures authenticated durable
 * submits/s, completed jobs/s end to end, submit→complete latency under load and on an idle server,
 * and the server's resident memory (or, with {@code --soak}, a steady load: {@link SoakPhase}).
 * Prints a table (or {@code --json}) on stdout; progress on stderr. The options are {@link
 * BenchOptions}, the phases {@link BenchPhases}; this class owns the server process, the temporary
 * directory and the exit code.
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
      "With --soak DURATION: a steady load at --rate (default half of a short measured"
          + " maximum) instead, printing the server's RSS every 30 s, then the errors and the"
          + " RSS growth.",
      "Exit code 0 when every submit was accepted and every job completed, 1 otherwise."
    })
public final class BenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin BenchOptions options;

  /** Where {@code --backend aws} reads the stack from (tests give their own). */
  Map<String, String> environment = System.getenv();

  /** Set when the JVM is shutting down (Ctrl-C, SIGTERM) while the benchmark runs. */
  private volatile boolean stopping;

  @Override
  public Integer call() throws IOException, InterruptedException {
    options.validate(spec.commandLine(), environment);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (options.aws()) {
      return aws(out, err);
    }
    Path work = Files.createTempDirectory("ingest-bench-");
    double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    ServerProcess server = null;
    Thread stopOnExit = null;
    try {
      int port = freeLoopbackPort();
      List<String> command =
          ServerProcess.command(
              ServerProcess.currentJava(),
              System.getProperty("java.class.path"),
              port,
              work.resolve("data"),
              options.jvmOptions(),
              options.serveOptions());
      progress(err, "starting the server on 127.0.0.1:" + port + " (log " + work + "/server.log)");
      server = ServerProcess.start(command, port, work.resolve("server.log"), work.resolve("data"));
      ServerProcess started = server;
      stopOnExit =
          new Thread(
              () -> {
                // Ctrl-C or SIGTERM: the child must not outlive us, nor its temporary data
                stopping = true;
                started.close();
                if (!options.keepData) {
                  deleteTree(work);
                }
              },
              "bench-stop-server");
      Runtime.getRuntime().addShutdownHook(stopOnExit);

      if (options.soak != null) {
        SoakPhase.Result soak;
        try (JobApiClient api = JobApiClient.builder(server.baseUrl()).build()) {
          soak = new BenchPhases(options, api, server, err).soak();
        }
        out.println(
            options.json
                ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(soak.toJson())
                : soak.toText());
        out.flush();
        if (soak.errors() > 0) {
          progress(err, soak.errors() + " error(s) in the soak");
          return 1;
        }
        return 0;
      }
      BenchReport report;
      try (JobApiClient api = JobApiClient.builder(server.baseUrl()).build()) {
        report = new BenchPhases(options, api, server, err).run(loadAverage);
      }
      out.println(
          options.json
              ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson())
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
      if (options.keepData) {
        progress(err, "data dir and server log kept in " + work);
      } else if (!deleteTree(work)) {
        progress(err, "could not delete " + work);
      }
    }
  }

  /** {@code --backend aws}: {@link AwsBench} in a temporary dir (instance data dirs and logs). */
  private int aws(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
    String missing = AwsBench.missing(environment);
    if (!missing.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), missing);
    }
    Path work = Files.createTempDirectory("ingest-bench-aws-");
    try {
      AwsBench.Result result = new AwsBench(options, environment, work, err).run();
      out.println(result.text());
      out.flush();
      return result.errors() > 0 ? 1 : 0;
    } catch (BenchFailure e) {
      err.println("bench: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      if (options.keepData) {
        progress(err, "instance logs kept in " + work);
      } else {
        deleteTree(work);
      }
    }
  }

  /** One line of progress on stderr. */
  static void progress(PrintWriter err, String message) {
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
