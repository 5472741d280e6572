package dev.qbi.runtime.local.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ingest workers status|pause|resume}: whether the running server's workers lease new
 * messages, over its {@code /admin/workers} routes (which need the admin credentials).
 */
@Command(
    name = "workers",
    mixinStandardHelpOptions = true,
    description = {
      "Pause or resume the workers of the running server. While paused, submits are still",
      "accepted and wait in the queue; jobs already leased run to the end. A restart resumes."
    },
    subcommands = {
      WorkersCommand.StatusCommand.class,
      WorkersCommand.PauseCommand.class,
      WorkersCommand.ResumeCommand.class
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:done",
      "1:refused or failed (server unreachable, not authorised, server error)",
      "2:bad usage (options, admin credentials file)"
    })
public final class WorkersCommand implements Runnable {

  private static final String BASE = "/admin/workers";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Sends one call and prints the workers' state. */
  abstract static class StateCall extends AdminCall {
    abstract String method();

    abstract String path();

    @Override
    int run(AdminClient client, PrintWriter out) throws IOException, InterruptedException {
      JsonNode state = call(client, method(), path(), Map.of());
      if (!printedJson(out, state)) {
        out.printf(
            "workers %s: %d receivers, %d jobs in flight, %d messages in the queue%n",
            state.path("paused").asBoolean() ? "paused" : "running",
            state.path("workers").asInt(),
            state.path("inFlight").asInt(),
            state.path("queueDepth").asLong());
      }
      return OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the state.")
  static final class StatusCommand extends StateCall {
    @Override
    String method() {
      return "GET";
    }

    @Override
    String path() {
      return BASE;
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop leasing new messages (intake goes on).")
  static final class PauseCommand extends StateCall {
    @Override
    String method() {
      return "POST";
    }

    @Override
    String path() {
      return BASE + "/pause";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Lease again.")
  static final class ResumeCommand extends StateCall {
    @Override
    String method() {
      return "POST";
    }

    @Override
    String path() {
      return BASE + "/resume";
    }
  }
}
