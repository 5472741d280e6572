package dev.qbi.runtime.local.cli;

import dev.qbi.client.ApiException;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ingest download JOB_ID [-o FILE]}: fetches the link from the status, saves the output. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description = {
      "Download a complete job's output through its signed link.",
      "Exit codes: 0 written, 1 job not complete (or unknown, server unreachable), 2 usage."
    })
public final class DownloadCommand extends JobCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB_ID",
      description = "The job id; - or none: the first line of stdin.")
  String id;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Where to write the output; - for stdout (default: the link's file name,"
              + " e.g. <job id>.json, in the current directory).")
  String output;

  @Override
  int run(JobApiClient api) throws IOException, InterruptedException {
    String jobId = jobId(id);
    JobStatus status;
    try {
      status = api.status(jobId);
    } catch (ApiException e) {
      return fail(explainForJob(e, jobId));
    }
    if (status.downloadUrl().isEmpty()) {
      return fail(
          status.failed()
              ? "job " + jobId + " failed, it has no output: " + status.error().orElse("")
              : "job "
                  + jobId
                  + " is "
                  + status.status()
                  + (status.terminal()
                      ? ", it has no output"
                      : "; wait for it: ingest wait " + jobId));
    }
    URI link = status.downloadUrl().get();
    byte[] bytes;
    try {
      bytes = api.download(link);
    } catch (ApiException e) {
      return fail(
          "the download link answered HTTP " + e.statusCode() + ": " + Failures.answerMessage(e));
    }
    if ("-".equals(output)) {
      io.out().write(bytes, 0, bytes.length);
      io.out().flush();
      return ExitCode.OK;
    }
    Path target = Path.of(output != null ? output : fileName(link, jobId));
    Files.write(target, bytes);
    io.err().println("wrote " + bytes.length + " bytes to " + target);
    return ExitCode.OK;
  }

  /** The last segment of the link's path ({@code <job id>.json}), or the job id. */
  private static String fileName(URI link, String jobId) {
    String path = link.getPath() == null ? "" : link.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.isBlank() || name.startsWith(".") ? jobId : name;
  }
}
