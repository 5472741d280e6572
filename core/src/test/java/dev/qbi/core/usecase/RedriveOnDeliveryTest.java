package dev.qbi.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.JobFixtures;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RedriveOnDeliveryTest {

  private static final Owner ALICE = new Owner("alice");

  private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final RedriveOnDelivery redrive = new RedriveOnDelivery(table, clock);
  private final ProcessJob.RetryPolicy retry =
      new ProcessJob.RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(60));
  private final JobId id = JobId.random();
  private final JobMessage message =
      new JobMessage(id, ALICE, "{}".getBytes(StandardCharsets.UTF_8), clock.instant());

  private Delivery delivery(int receiveCount) {
    return new Delivery(message, "receipt-" + receiveCount, receiveCount);
  }

  /** Runs deliveries 1..3 through ProcessJob with an executor that always fails. */
  private void failThreeTimes() {
    ProcessJob failing =
        new ProcessJob(
            table,
            request -> {
              throw new IllegalStateException("boom");
            },
            clock,
            retry);
    for (int count = 1; count <= 3; count++) {
      failing.process(delivery(count));
    }
    assertThat(table.find(id).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void a_failed_job_is_redriven_and_its_delivery_is_the_first_attempt_of_a_new_series() {
    failThreeTimes();
    clock.advance(Duration.ofHours(1));

    // the moved message's receive count carried on from before the move
    Delivery next = redrive.apply(delivery(7));

    Job job = table.find(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.SUBMITTED);
    assertThat(job.redrivenAt()).isEqualTo(clock.instant());
    assertThat(job.errors()).hasSize(3).allMatch(e -> e.contains("boom"));
    assertThat(next.receiveCount()).isEqualTo(1);
    assertThat(next.receipt()).isEqualTo("receipt-7");
    assertThat(next.message()).isEqualTo(message);
  }

  @Test
  void the_retry_limit_counts_from_the_redrive_and_the_series_can_fail_again() {
    failThreeTimes();
    AtomicInteger runs = new AtomicInteger();
    JobExecutor failing =
        request -> {
          runs.incrementAndGet();
          throw new IllegalStateException("still broken");
        };
    ProcessJob process = new ProcessJob(table, failing, clock, retry);

    Decision first = process.process(redrive.apply(delivery(8)));
    Decision second = process.process(redrive.apply(delivery(9)));
    Decision third = process.process(redrive.apply(delivery(10)));

    assertThat(first).isInstanceOf(Decision.RetryAfter.class);
    assertThat(second).isInstanceOf(Decision.RetryAfter.class);
    assertThat(third).isInstanceOf(Decision.DeadLetter.class);
    assertThat(runs).hasValue(3);
    Job job = table.find(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.attempts()).isEqualTo(3);
    assertThat(job.errors()).hasSize(5);
  }

  @Test
  void a_redriven_job_that_succeeds_is_complete_with_its_history() {
    failThreeTimes();
    ProcessJob process = new ProcessJob(table, request -> "jobs/out.json", clock, retry);

    Decision decision = process.process(redrive.apply(delivery(4)));

    assertThat(decision).isEqualTo(new Decision.Completed("jobs/out.json"));
    Job job = table.find(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job.attempts()).isEqualTo(1);
    assertThat(job.redrivenAt()).isNotNull();
    assertThat(job.errors()).hasSize(3);
  }

  @Test
  void a_finished_or_unknown_job_is_left_alone() {
    JobFixtures.completed(table, id, ALICE, clock.instant(), "jobs/x.json");
    long version = table.find(id).orElseThrow().version();

    Delivery same = delivery(6);
    assertThat(redrive.apply(same)).isSameAs(same);
    assertThat(table.find(id).orElseThrow().version()).isEqualTo(version);

    Delivery unknown =
        new Delivery(
            new JobMessage(JobId.random(), ALICE, new byte[] {'{', '}'}, clock.instant()), "r", 2);
    assertThat(redrive.apply(unknown)).isSameAs(unknown);
  }

  @Test
  void a_submitted_job_after_a_redrive_has_had_no_attempt_yet() {
    failThreeTimes();
    redrive.apply(delivery(4));

    // the delivery that redrove it died before its first attempt: the next one is attempt 1 still
    assertThat(redrive.apply(delivery(5)).receiveCount()).isEqualTo(1);
    assertThat(table.find(id).orElseThrow().status()).isEqualTo(JobStatus.SUBMITTED);
  }
}
