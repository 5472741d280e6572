package dev.qbi.runtime.local.cli;

import dev.qbi.client.ApiException;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ingest cancel JOB_ID}: {@code DELETE /jobs/{id}}. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancel a job: one that has not started is cancelled at once; a running one is asked to"
          + " stop and is cancelled when its worker next checks.",
      "Exit codes: 0 cancelled or cancel requested, 1 unknown or already finished job or server"
          + " unreachable, 2 usage."
    })
public final class CancelCommand extends JobCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB_ID",
      description = "The job id; - or none: the first line of stdin.")
  String id;

  @Option(names = "--json", description = "Print the job's status JSON after the request.")
  boolean json;

  @Override
  int run(JobApiClient api) throws IOException, InterruptedException {
    String jobId = jobId(id);
    JobStatus status;
    try {
      status = api.cancel(jobId);
    } catch (ApiException e) {
      return fail(
          e.statusCode() == 409
              ? "job " + jobId + " cannot be cancelled: " + Failures.answerMessage(e)
              : explainForJob(e, jobId));
    }
    if (json) {
      io.out().println(JobText.write(JobText.json(status)));
    } else if (status.cancelled()) {
      io.out().println("job " + jobId + ": cancelled");
    } else {
      io.out()
          .println(
              "job "
                  + jobId
                  + ": cancel requested; it is "
                  + status.status()
                  + " and stops at its worker's next check");
    }
    return ExitCode.OK;
  }
}
