package dev.qbi.runtime.local.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ingest dead-letters list|show|redrive|purge}: the operator's dead-letter tools, over the
 * running server's {@code /admin/dead-letters} routes (which need the admin credentials).
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = {
      "Look at, redrive or purge the jobs that failed on every attempt (the dead letters).",
      "Redrive runs a failed job again as a new series of attempts (status back to submitted,",
      "its earlier errors kept); purge drops a dead letter for good (the job stays failed).",
      "Talks to the running server's /admin routes, signed with the admin credentials."
    },
    subcommands = {
      DeadLettersCommand.ListCommand.class,
      DeadLettersCommand.ShowCommand.class,
      DeadLettersCommand.RedriveCommand.class,
      DeadLettersCommand.PurgeCommand.class
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:done",
      "1:refused or failed (server unreachable, not authorised, job not failed, server error)",
      "2:bad usage (options, admin credentials file)",
      "3:no dead letter for that job"
    })
public final class DeadLettersCommand implements Runnable {

  private static final String BASE = "/admin/dead-letters";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "The dead letters, oldest first.")
  static final class ListCommand extends AdminCall {
    @Option(names = "--limit", description = "How many per page (1..500; server default 50).")
    Integer limit;

    @Option(names = "--next", paramLabel = "CURSOR", description = "Page after this cursor.")
    String next;

    @Option(names = "--all", description = "Every dead letter, page after page.")
    boolean all;

    @Override
    int run(AdminClient client, PrintWriter out) throws IOException, InterruptedException {
      ObjectNode merged = JSON.createObjectNode();
      ArrayNode items = merged.putArray("deadLetters");
      String cursor = next;
      JsonNode page;
      do {
        Map<String, String> query = new LinkedHashMap<>();
        if (limit != null) {
          query.put("limit", Integer.toString(limit));
        }
        if (cursor != null) {
          query.put("next", cursor);
        }
        page = call(client, "GET", BASE, query);
        page.path("deadLetters").forEach(items::add);
        merged.set("depth", page.path("depth"));
        cursor = page.hasNonNull("next") ? page.get("next").asText() : null;
      } while (all && cursor != null);
      if (cursor != null) {
        merged.put("next", cursor);
      }
      if (printedJson(out, merged)) {
        return OK;
      }
      if (!items.isEmpty()) {
        out.printf(
            "%-36s  %-27s  %8s  %8s  %s%n", "JOB ID", "DEAD AT", "RECEIVES", "BYTES", "REASON");
      }
      for (JsonNode d : items) {
        out.printf(
            "%-36s  %-27s  %8d  %8d  %s%n",
            d.path("jobId").asText(),
            d.path("deadAt").asText(),
            d.path("receiveCount").asInt(),
            d.path("bodyBytes").asLong(),
            d.path("reason").asText(""));
      }
      out.printf("%d dead letter(s) in all%n", merged.path("depth").asLong());
      if (cursor != null) {
        out.printf("more: --next %s (or --all)%n", cursor);
      }
      return OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "One job's dead letter: reason, receive count, when, body size, the job's errors.")
  static final class ShowCommand extends AdminCall {
    @Parameters(paramLabel = "JOB_ID", description = "The job's id.")
    String jobId;

    @Override
    int run(AdminClient client, PrintWriter out) throws IOException, InterruptedException {
      JsonNode d = call(client, "GET", BASE + "/" + pathSegment(jobId), Map.of());
      if (printedJson(out, d)) {
        return OK;
      }
      JsonNode job = d.path("job");
      out.printf("job        %s%n", d.path("jobId").asText());
      out.printf("owner      %s%n", d.path("owner").asText());
      if (job.isMissingNode()) {
        out.printf("status     (no job record)%n");
      } else {
        out.printf(
            "status     %s (attempts %d)%n",
            job.path("jobStatus").asText(), job.path("attempts").asInt());
      }
      out.printf("reason     %s%n", d.path("reason").asText(""));
      out.printf("receives   %d%n", d.path("receiveCount").asInt());
      out.printf("dead at    %s%n", d.path("deadAt").asText());
      out.printf("sent at    %s%n", d.path("sentAt").asText());
      out.printf("body       %d bytes%n", d.path("bodyBytes").asLong());
      if (job.hasNonNull("redrivenAt")) {
        out.printf("redriven   %s%n", job.get("redrivenAt").asText());
      }
      int n = 0;
      for (JsonNode error : job.path("errors")) {
        out.printf("%s %d. %s%n", n == 0 ? "errors    " : "          ", ++n, error.asText());
      }
      return OK;
    }
  }

  @Command(
      name = "redrive",
      mixinStandardHelpOptions = true,
      description = {
        "Run a failed job again as a new series of attempts: its status goes back to submitted",
        "(redrivenAt set, earlier errors kept) and its message back to the queue."
      })
  static final class RedriveCommand extends AdminCall {
    @Parameters(arity = "0..1", paramLabel = "JOB_ID", description = "The job's id.")
    String jobId;

    @Option(names = "--all", description = "Every dead letter whose job is failed.")
    boolean all;

    @Override
    int run(AdminClient client, PrintWriter out) throws IOException, InterruptedException {
      requireOneOf(spec, jobId, all);
      if (all) {
        JsonNode r = call(client, "POST", BASE + "/redrive", Map.of());
        if (printedJson(out, r)) {
          return OK;
        }
        out.printf("Redrove %d job(s)%n", r.path("redriven").asInt());
        int skipped = r.path("skippedCount").asInt();
        if (skipped > 0) {
          out.printf("Left %d dead letter(s) in place:%n", skipped);
          r.path("skipped")
              .forEach(
                  s ->
                      out.printf(
                          "  %s: %s%n", s.path("jobId").asText(), s.path("reason").asText()));
        }
        return OK;
      }
      JsonNode job = call(client, "POST", BASE + "/" + pathSegment(jobId) + "/redrive", Map.of());
      if (printedJson(out, job)) {
        return OK;
      }
      out.printf(
          "Redrove job %s: %s again at %s, %d earlier error(s) kept%n",
          job.path("jobId").asText(),
          job.path("jobStatus").asText(),
          job.path("redrivenAt").asText(),
          job.path("errors").size());
      return OK;
    }
  }

  @Command(
      name = "purge",
      mixinStandardHelpOptions = true,
      description = "Drop a job's dead letter for good; the job stays failed.")
  static final class PurgeCommand extends AdminCall {
    @Parameters(arity = "0..1", paramLabel = "JOB_ID", description = "The job's id.")
    String jobId;

    @Option(names = "--all", description = "Every dead letter.")
    boolean all;

    @Override
    int run(AdminClient client, PrintWriter out) throws IOException, InterruptedException {
      requireOneOf(spec, jobId, all);
      JsonNode r =
          all
              ? call(client, "POST", BASE + "/purge", Map.of())
              : call(client, "DELETE", BASE + "/" + pathSegment(jobId), Map.of());
      if (printedJson(out, r)) {
        return OK;
      }
      if (all) {
        out.printf("Purged %d dead letter(s)%n", r.path("purged").asLong());
      } else {
        out.printf("Purged the dead letter of job %s (the job stays failed)%n", jobId);
      }
      return OK;
    }
  }

  private static void requireOneOf(CommandLine.Model.CommandSpec spec, String jobId, boolean all) {
    if ((jobId == null) == !all) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Give either a JOB_ID or --all");
    }
  }

  /** A job id as a path segment: the server checks it is a UUID; refuse what is not URL-safe. */
  private static String pathSegment(String jobId) {
    if (!jobId.matches("[A-Za-z0-9-]{1,64}")) {
      throw new IllegalArgumentException("not a job id: " + jobId);
    }
    return jobId;
  }
}
