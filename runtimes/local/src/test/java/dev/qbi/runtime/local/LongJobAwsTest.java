package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.core.testing.MutableClock;
import dev.qbi.runtime.local.testing.AwsEmulatorStack;
import dev.qbi.runtime.local.testing.LongJobHandler;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job longer than its lease, on {@code --backend aws} (ElasticMQ, dynalite, S3Mock): it runs
 * once, its SQS lease stretched by the lease keeper the whole time.
 *
 * <p><b>"20 minutes of simulated duration".</b> The handler ({@link LongJobHandler}) works in 20
 * steps; each sleeps 1.25 s of real time and moves the server's clock on by one minute. So the job
 * is 20 minutes long by the server's clock (what the job table records: from {@code submitted} to
 * {@code complete} at least 20 minutes pass) and 25 s long in real time, against a visibility
 * timeout of 5 s: without lease extension SQS would deliver the message again after 5 s, to the
 * second receiver of this instance, which would run the handler a second time. Extensions happen in
 * real time (every third of the visibility timeout), so the test sees about 15 of them.
 */
class LongJobAwsTest {

  @TempDir Path dir;

  @Test
  void a_job_of_twenty_simulated_minutes_runs_once_while_its_5s_lease_is_extended()
      throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    LongJobHandler.CLOCK.set(clock);
    LongJobHandler.RUNS.set(0);
    try (AwsEmulatorStack stack = AwsEmulatorStack.create();
        RunningServer issuer = RunningServer.start(dir.resolve("issuer"));
        RunningServer server =
            RunningServer.start(
                dir.resolve("aws"),
                b ->
                    b.externalIssuer(Optional.of(issuer.server.issuer()))
                        .aws(Optional.of(stack.settings()))
                        .jobHandler(LongJobHandler.NAME)
                        .workers(2)
                        .batchSize(1)
                        .visibilityTimeout(Duration.ofSeconds(5))
                        .jobTimeout(Duration.ofMinutes(2)),
                clock)) {
      JobApiClient api = server.api(issuer.newUserToken());

      String id = api.submit("{\"long\":true}");
      JobStatus done = api.awaitTerminal(id, Duration.ofSeconds(40), Duration.ofMillis(100));

      assertThat(done.status()).isEqualTo("complete");
      assertThat(Duration.between(done.submittedAt(), done.updatedAt()))
          .isGreaterThanOrEqualTo(Duration.ofMinutes(LongJobHandler.STEPS));
      assertThat(done.attempts()).isEqualTo(1);
      assertThat(LongJobHandler.RUNS.get()).isEqualTo(1);
      String metrics = server.client.rawGet("/metrics").bodyText();
      assertThat(counter(metrics, "ingest_jobs_handler_runs_total")).isEqualTo(1);
      assertThat(counter(metrics, "ingest_leases_extensions_total{result=\"extended\"}"))
          .isGreaterThanOrEqualTo(10);
      assertThat(counter(metrics, "ingest_leases_extensions_total{result=\"lost\"}")).isZero();
    } finally {
      LongJobHandler.CLOCK.set(null);
    }
  }

  private static double counter(String metrics, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$").matcher(metrics);
    assertThat(m.find()).as("%s in /metrics", series).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
