package dev.qbi.runtime.local.cli;

import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ingest wait [JOB_ID]}: polls the job's status, with a progress line on stderr, until it is
 * finished; the exit code says how it finished ({@link ExitCode}).
 */
@Command(
    name = "wait",
    mixinStandardHelpOptions = true,
    description = {
      "Wait until a job is finished, showing its progress on stderr. The job id comes from the"
          + " argument or, without one, from stdin: ingest submit req.json | ingest wait.",
      "On success prints the job id on stdout (so ... | ingest wait | ingest download - works),"
          + " or with --json the final status JSON.",
      "Exit codes: 0 complete, 1 failed (or unknown job, server unreachable), 2 usage,"
          + " 3 timeout, 4 cancelled."
    })
public final class WaitCommand extends JobCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB_ID",
      description = "The job id; - or none: the first line of stdin.")
  String id;

  @Option(
      names = "--timeout",
      defaultValue = "${env:INGEST_WAIT_TIMEOUT:-10m}",
      description =
          "Give up (exit 3) after this long, e.g. 30s, 10m, 1h (env INGEST_WAIT_TIMEOUT;"
              + " default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--interval",
      defaultValue = "500ms",
      description = "Time between two status requests (default ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--appear-within",
      defaultValue = "30s",
      description =
          "How long the job may be unknown (404) before giving up: on AWS a job appears only"
              + " once the processor picks it up (default ${DEFAULT-VALUE}).")
  Duration appearWithin;

  @Option(names = "--json", description = "Print the final status JSON on stdout.")
  boolean json;

  @Override
  int run(JobApiClient api) throws IOException, InterruptedException {
    if (interval.isZero()) {
      throw usage("--interval must be positive");
    }
    String jobId = jobId(id);
    Progress progress = new Progress(io.err(), io.interactive(), jobId);
    long start = System.nanoTime();
    while (true) {
      Optional<JobStatus> found = api.findStatus(jobId);
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      if (found.isEmpty() && waited.compareTo(appearWithin) >= 0) {
        progress.end();
        return fail("job " + jobId + " not found (unknown, or another user's)");
      }
      if (found.isPresent() && found.get().terminal()) {
        progress.show(found.get(), waited);
        progress.end();
        return finished(found.get());
      }
      progress.show(found.orElse(null), waited);
      Duration left = timeout.minus(waited);
      if (!left.isPositive()) {
        progress.end();
        fail(
            "gave up after "
                + timeout.toString().substring(2).toLowerCase(Locale.ROOT)
                + ": job "
                + jobId
                + " is still "
                + found.map(JobStatus::status).orElse("unknown"));
        return ExitCode.TIMEOUT;
      }
      Thread.sleep(left.compareTo(interval) < 0 ? left : interval);
    }
  }

  private int finished(JobStatus status) {
    if (json) {
      io.out().println(JobText.write(JobText.json(status)));
    }
    if (status.complete()) {
      if (!json) {
        io.out().println(status.jobId());
      }
      return ExitCode.OK;
    }
    if (status.cancelled()) {
      fail("job " + status.jobId() + " was cancelled");
      return ExitCode.CANCELLED;
    }
    return fail("job " + status.jobId() + " failed: " + status.error().orElse("(no error given)"));
  }

  /**
   * The progress line: on a terminal one line rewritten in place; otherwise a line each time the
   * status or the attempt changes.
   */
  private static final class Progress {
    private final PrintStream err;
    private final boolean inPlace;
    private final String jobId;
    private String last = "";
    private boolean open;

    Progress(PrintStream err, boolean inPlace, String jobId) {
      this.err = err;
      this.inPlace = inPlace;
      this.jobId = jobId;
    }

    void show(JobStatus status, Duration waited) {
      String state =
          status == null
              ? "not known yet"
              : status.status() + (status.attempts() > 0 ? ", attempt " + status.attempts() : "");
      if (inPlace) {
        err.printf("\r\033[Kjob %s: %s (%.1fs)", jobId, state, waited.toMillis() / 1000.0);
        open = true;
      } else if (!state.equals(last)) {
        err.printf("job %s: %s (%.1fs)%n", jobId, state, waited.toMillis() / 1000.0);
      }
      err.flush();
      last = state;
    }

    void end() {
      if (open) {
        err.println();
        open = false;
      }
    }
  }
}
