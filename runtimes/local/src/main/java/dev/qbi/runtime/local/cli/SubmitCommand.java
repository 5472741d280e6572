package dev.qbi.runtime.local.cli;

import dev.qbi.client.JobApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ingest submit [FILE]}: submits a job and prints its id, and nothing else, on stdout. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submit a job: the body (the job's JSON payload) comes from FILE, or from stdin when FILE"
          + " is - or left out. Prints the job id only, so that id=$(ingest submit req.json)"
          + " and 'ingest submit req.json | ingest wait' work.",
      "Exit codes: 0 submitted, 1 refused or server unreachable, 2 usage."
    })
public final class SubmitCommand extends JobCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "JSON body to submit; - or none: read stdin.")
  String file;

  @Option(names = "--json", description = "Print {\"jobId\": ...} instead of the bare id.")
  boolean json;

  @Override
  int run(JobApiClient api) throws IOException, InterruptedException {
    String id = api.submit(new String(body(), StandardCharsets.UTF_8));
    io.out().println(json ? JobText.write(JobText.JSON.createObjectNode().put("jobId", id)) : id);
    return ExitCode.OK;
  }

  private byte[] body() {
    byte[] body;
    if (file == null || file.equals("-")) {
      if (file == null && io.interactive()) {
        throw usage("Missing FILE: give a file with the JSON body, or pipe it on stdin");
      }
      try {
        body = io.in().readAllBytes();
      } catch (IOException e) {
        throw usage("cannot read the body from stdin: " + Failures.text(e));
      }
    } else {
      try {
        body = Files.readAllBytes(Path.of(file));
      } catch (NoSuchFileException e) {
        throw usage("cannot read " + file + ": no such file");
      } catch (IOException e) {
        throw usage("cannot read " + file + ": " + Failures.text(e));
      }
    }
    if (body.length == 0) {
      throw usage("the body is empty: a job request is a JSON document");
    }
    return body;
  }
}
