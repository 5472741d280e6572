package dev.qbi.runtime.local;

import dev.qbi.runtime.local.admin.DeadLettersCommand;
import dev.qbi.runtime.local.admin.WorkersCommand;
import dev.qbi.runtime.local.cli.CancelCommand;
import dev.qbi.runtime.local.cli.DownloadCommand;
import dev.qbi.runtime.local.cli.DurationConverter;
import dev.qbi.runtime.local.cli.ExitCode;
import dev.qbi.runtime.local.cli.JobsCommand;
import dev.qbi.runtime.local.cli.StatusCommand;
import dev.qbi.runtime.local.cli.Streams;
import dev.qbi.runtime.local.cli.SubmitCommand;
import dev.qbi.runtime.local.cli.UsesStreams;
import dev.qbi.runtime.local.cli.WaitCommand;
import dev.qbi.runtime.local.identity.LoginCommand;
import dev.qbi.runtime.local.identity.SignupCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ingest} command line: {@code serve}, {@code signup}, {@code login}, the job commands
 * ({@code submit}, {@code status}, {@code wait}, {@code download}, {@code jobs}, {@code cancel})
 * and the operator's {@code dead-letters}. ({@code ./ingest bench} is dispatched by the launcher to
 * the benchmark jar.)
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Queue-based job ingestion: authenticated HTTP API, durable queue, workers.",
    subcommands = {
      ServeCommand.class,
      SignupCommand.class,
      LoginCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      WaitCommand.class,
      DownloadCommand.class,
      JobsCommand.class,
      CancelCommand.class,
      DeadLettersCommand.class,
      WorkersCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(Streams.system(), args));
  }

  static int run(String... args) {
    return run(Streams.system(), args);
  }

  /** Runs one command line with these streams; returns the exit code. */
  public static int run(Streams io, String... args) {
    return commandLine(io).execute(args);
  }

  /**
   * The command line and its subcommands, set up as {@link #run} uses them: the commands write to
   * {@code io}, every {@link Duration} option takes {@code 30s}/{@code 1h} forms, bad usage is one
   * line and exit 2, a failure one line and exit 1.
   */
  static CommandLine commandLine(Streams io) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            K made = defaults.create(type);
            if (made instanceof UsesStreams s) {
              s.streams(io);
            }
            return made;
          }
        };
    return new CommandLine(new Main(), factory)
        .setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8))
        .registerConverter(Duration.class, new DurationConverter())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(Main::badUsage)
        .setExecutionExceptionHandler(Main::explain);
  }

  /** A bad option or argument: one line naming the command, and where help is; exit 2. */
  private static int badUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    String name = cl.getCommandSpec().qualifiedName();
    cl.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
    cl.getErr().flush();
    return ExitCode.USAGE;
  }

  /**
   * A failure while running a command (bad configuration, port in use, unreadable data dir): one
   * clear line, no stack trace; {@code INGEST_DEBUG=1} shows the trace.
   */
  private static int explain(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
        message.append(": ").append(cause.getMessage());
      }
    }
    commandLine.getErr().println("ingest " + commandLine.getCommandName() + ": " + message);
    if (System.getenv("INGEST_DEBUG") != null) {
      e.printStackTrace(commandLine.getErr());
    }
    commandLine.getErr().flush();
    return e instanceof IllegalArgumentException ? ExitCode.USAGE : ExitCode.FAILED;
  }

  /** No command given: the usage on stderr, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().flush();
    return ExitCode.USAGE;
  }

  /** The version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ingest " + (v == null ? "(development build)" : v)};
    }
  }
}
