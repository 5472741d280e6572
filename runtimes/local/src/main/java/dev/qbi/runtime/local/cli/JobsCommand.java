package dev.qbi.runtime.local.cli;

import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobListQuery;
import dev.qbi.client.JobPage;
import dev.qbi.client.JobStatus;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ingest jobs}: the caller's jobs, newest first, as a table or JSON. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = {
      "List your jobs, newest first.",
      "Exit codes: 0 listed, 1 refused or server unreachable, 2 usage."
    })
public final class JobsCommand extends JobCommand {
  private static final int MAX_PAGES = 10_000;

  @Option(
      names = "--status",
      description = "Only jobs in this status: submitted, processing, complete, failed, cancelled.")
  String status;

  @Option(names = "--limit", description = "Jobs per page, 1 to 100 (the server's default: 25).")
  Integer limit;

  @Option(names = "--all", description = "Follow the pages to the last one.")
  boolean all;

  @Option(names = "--json", description = "Print {\"jobs\": [...]} (status JSON of each job).")
  boolean json;

  @Override
  int run(JobApiClient api) throws IOException, InterruptedException {
    if (limit != null && (limit < 1 || limit > 100)) {
      throw usage("--limit must be between 1 and 100");
    }
    JobListQuery query = JobListQuery.all();
    if (status != null && !status.isBlank()) {
      query = query.withStatus(status.strip());
    }
    if (limit != null) {
      query = query.withLimit(limit);
    }
    List<JobStatus> jobs;
    boolean more = false;
    if (all) {
      jobs = api.listAllJobs(query, MAX_PAGES);
    } else {
      JobPage page = api.listJobs(query);
      jobs = page.jobs();
      more = page.next().isPresent();
    }
    if (json) {
      io.out().println(JobText.write(JobText.json(jobs)));
    } else if (jobs.isEmpty()) {
      io.err().println("no jobs" + (status == null ? "" : " in status " + status));
    } else {
      JobText.table(jobs).forEach(io.out()::println);
    }
    if (more) {
      io.err().println("(more jobs: --all lists every page)");
    }
    return ExitCode.OK;
  }
}
