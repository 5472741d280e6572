package dev.qbi.server;

import dev.qbi.server.identity.LoginCommand;
import dev.qbi.server.identity.SignupCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ingest} command line: {@code serve}, {@code signup}, {@code login}. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Queue-based job ingestion: authenticated HTTP API, durable queue, workers.",
    subcommands = {
      ServeCommand.class,
      dev.qbi.server.bench.BenchCommand.class,
      SignupCommand.class,
      LoginCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
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
