package dev.qbi.runtime.local;

import dev.qbi.runtime.local.admin.DeadLettersCommand;
import dev.qbi.runtime.local.identity.LoginCommand;
import dev.qbi.runtime.local.identity.SignupCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ingest} command line: {@code serve}, {@code signup}, {@code login}, {@code
 * dead-letters}. ({@code ./ingest bench} is dispatched by the launcher to the benchmark jar.)
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
      DeadLettersCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command line as {@link #main} runs it (tests set its output and error writers). */
  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(Main::explain);
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
    return e instanceof IllegalArgumentException ? 2 : 1;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
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
