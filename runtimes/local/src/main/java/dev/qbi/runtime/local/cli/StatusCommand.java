package dev.qbi.runtime.local.cli;

import dev.qbi.client.ApiException;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ingest status JOB_ID}: the job's status, as aligned lines or as the API's JSON. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a job's status (and its download link once complete).",
      "Exit codes: 0 shown, 1 unknown job or server unreachable, 2 usage."
    })
public final class StatusCommand extends JobCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB_ID",
      description = "The job id; - or none: the first line of stdin.")
  String id;

  @Option(names = "--json", description = "Print the status JSON of the API.")
  boolean json;

  @Override
  int run(JobApiClient api) throws IOException, InterruptedException {
    String jobId = jobId(id);
    JobStatus status;
    try {
      status = api.status(jobId);
    } catch (ApiException e) {
      return fail(explainForJob(e, jobId));
    }
    if (json) {
      io.out().println(JobText.write(JobText.json(status)));
    } else {
      JobText.lines(status).forEach(io.out()::println);
    }
    return ExitCode.OK;
  }
}
