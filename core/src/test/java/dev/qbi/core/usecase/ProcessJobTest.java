package dev.qbi.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.Defaults;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.PermanentJobFailure;
import dev.qbi.core.simulator.WeatherSimulator;
import dev.qbi.core.testing.InMemoryJobIntake;
import dev.qbi.core.testing.InMemoryJobQueue;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.InMemoryPayloadStore;
import dev.qbi.core.testing.MutableClock;
import dev.qbi.core.usecase.ProcessJob.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProcessJobTest {

  private static final Owner ALICE = new Owner("alice-sub");
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final RetryPolicy RETRY =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(60));

  private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final InMemoryJobQueue queue = new InMemoryJobQueue(clock);
  private final InMemoryPayloadStore payloads = new InMemoryPayloadStore(clock);
  private final SubmitJob submit =
      new SubmitJob(new InMemoryJobIntake(table, queue), clock, Defaults.MAX_BODY_BYTES);

  /** A handler that counts calls and answers {@code {"ok":true}}. */
  private static final class CountingHandler implements JobHandler {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Output handle(Request request) {
      calls.incrementAndGet();
      return new Output("{\"ok\":true}".getBytes(StandardCharsets.UTF_8), "application/json");
    }
  }

  /** A handler that always throws. */
  private static final class ThrowingHandler implements JobHandler {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "throwing";
    }

    @Override
    public Output handle(Request request) {
      calls.incrementAndGet();
      throw new IllegalStateException("simulated outage");
    }
  }

  private ProcessJob processJob(JobHandler handler) {
    return new ProcessJob(table, new InProcessJobExecutor(handler, payloads), clock, RETRY);
  }

  /** Processes a delivery and settles the decision on the queue, as a worker does. */
  private Decision run(ProcessJob process, Delivery delivery) {
    Decision decision = process.process(delivery);
    queue.settle(delivery, decision);
    return decision;
  }

  /** Moves the stored job to {@code status}, as another delivery would. */
  private void force(JobId id, JobStatus status, String outputKey, String error) {
    Job current = job(id);
    assertThat(table.update(current.next(status, clock.instant(), 3, outputKey, error))).isTrue();
  }

  private JobId submitted() {
    return submit.submit(ALICE, "{\"n\":1}".getBytes(StandardCharsets.UTF_8)).messageId();
  }

  private Delivery receiveOne() throws InterruptedException {
    List<Delivery> got = queue.receive(1, LEASE, Duration.ZERO);
    assertThat(got).as("a visible message").hasSize(1);
    return got.get(0);
  }

  private Job job(JobId id) {
    return table.find(id).orElseThrow();
  }

  @Test
  void successful_job_completes_and_writes_its_output_under_jobs_id_json() throws Exception {
    JobId id = submitted();
    CountingHandler handler = new CountingHandler();
    clock.advance(Duration.ofSeconds(2));

    Decision outcome = run(processJob(handler), receiveOne());

    assertThat(outcome).isInstanceOf(Decision.Completed.class);
    Job job = job(id);
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job.output()).contains("jobs/" + id + ".json");
    assertThat(job.attempts()).isEqualTo(1);
    assertThat(job.updatedAt()).isEqualTo(clock.instant());
    assertThat(job.failure()).isEmpty();
    assertThat(payloads.get("jobs/" + id + ".json"))
        .hasValueSatisfying(
            b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}"));
    assertThat(payloads.contentType("jobs/" + id + ".json")).contains("application/json");
    assertThat(queue.depth()).isZero();
    assertThat(handler.calls).hasValue(1);
  }

  @Test
  void default_simulator_output_is_stored_as_the_jobs_document() throws Exception {
    JobId id = submitted();

    run(processJob(new WeatherSimulator()), receiveOne());

    JsonNode doc = new ObjectMapper().readTree(payloads.get("jobs/" + id + ".json").orElseThrow());
    assertThat(doc.get("weatherData")).hasSize(99);
    assertThat(job(id).status()).isEqualTo(JobStatus.COMPLETE);
  }

  @Test
  void message_without_a_job_row_creates_it_for_the_messages_owner() throws Exception {
    // a cloud runtime may only queue the message and let the processor create the row
    JobId id = JobId.random();
    queue.send(new JobMessage(id, ALICE, "{}".getBytes(StandardCharsets.UTF_8), clock.instant()));

    Decision outcome = run(processJob(new CountingHandler()), receiveOne());

    assertThat(outcome).isInstanceOf(Decision.Completed.class);
    assertThat(job(id).owner()).isEqualTo(ALICE);
    assertThat(job(id).payloadMd5()).isEqualTo("99914b932bd37a50b983c5e7c90ae93b");
    assertThat(job(id).status()).isEqualTo(JobStatus.COMPLETE);
  }

  @Test
  void redelivery_of_a_complete_job_is_acknowledged_without_running_the_handler() throws Exception {
    JobId id = submitted();
    CountingHandler handler = new CountingHandler();
    ProcessJob process = processJob(handler);
    Delivery first = receiveOne();
    run(process, first);
    Job completed = job(id);

    // the same message again (at-least-once delivery)
    queue.send(first.message());
    Decision outcome = run(process, receiveOne());

    assertThat(outcome).isInstanceOf(Decision.AlreadyDone.class);
    assertThat(handler.calls).hasValue(1);
    assertThat(queue.depth()).isZero();
    assertThat(job(id)).isEqualTo(completed);
  }

  @Test
  void redelivery_of_a_failed_job_is_acknowledged_without_running_the_handler() throws Exception {
    JobId id = submitted();
    Delivery d = receiveOne();
    force(id, JobStatus.FAILED, null, "x: y");
    CountingHandler handler = new CountingHandler();

    Decision outcome = run(processJob(handler), d);

    assertThat(outcome).isInstanceOf(Decision.AlreadyDone.class);
    assertThat(handler.calls).hasValue(0);
    assertThat(queue.depth()).isZero();
    assertThat(job(id).status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void
      throwing_handler_is_retried_with_backoff_then_failed_and_dead_lettered_on_the_third_delivery()
          throws Exception {
    JobId id = submitted();
    ThrowingHandler handler = new ThrowingHandler();
    ProcessJob process = processJob(handler);
    String expectedError = "java.lang.IllegalStateException: simulated outage";

    // delivery 1 fails: retry after 1 s
    assertThat(run(process, receiveOne())).isInstanceOf(Decision.RetryAfter.class);
    assertThat(job(id).status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(job(id).attempts()).isEqualTo(1);
    assertThat(job(id).failure()).contains(expectedError);
    clock.advance(Duration.ofMillis(999));
    assertThat(queue.receive(1, LEASE, Duration.ZERO)).as("not before the backoff").isEmpty();
    clock.advance(Duration.ofMillis(1));

    // delivery 2 fails: retry after 2 s
    Delivery second = receiveOne();
    assertThat(second.receiveCount()).isEqualTo(2);
    assertThat(run(process, second)).isInstanceOf(Decision.RetryAfter.class);
    assertThat(job(id).attempts()).isEqualTo(2);
    clock.advance(Duration.ofMillis(1999));
    assertThat(queue.receive(1, LEASE, Duration.ZERO)).as("not before the backoff").isEmpty();
    clock.advance(Duration.ofMillis(1));

    // delivery 3 = maxReceiveCount: the job fails and the message is dead-lettered
    Delivery third = receiveOne();
    assertThat(third.receiveCount()).isEqualTo(3);
    assertThat(run(process, third)).isInstanceOf(Decision.DeadLetter.class);

    Job failed = job(id);
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.failure()).contains(expectedError);
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.errors()).containsExactly(expectedError, expectedError, expectedError);
    assertThat(failed.output()).isEmpty();
    assertThat(handler.calls).hasValue(3);
    assertThat(queue.depth()).isZero();
    assertThat(queue.deadLetters()).hasSize(1);
    assertThat(queue.deadLetters().get(0).message().jobId()).isEqualTo(id);
    assertThat(queue.deadLetters().get(0).reason()).isEqualTo(expectedError);
    assertThat(payloads.size()).isZero();
  }

  @Test
  void handler_returning_no_output_is_a_failed_attempt() throws Exception {
    JobId id = submitted();
    JobHandler silent =
        new JobHandler() {
          @Override
          public String name() {
            return "silent";
          }

          @Override
          public Output handle(Request request) {
            return null;
          }
        };

    assertThat(run(processJob(silent), receiveOne())).isInstanceOf(Decision.RetryAfter.class);
    assertThat(job(id).failure())
        .hasValueSatisfying(e -> assertThat(e).contains("returned no output"));
  }

  @Test
  void a_handler_that_recovers_completes_the_job_and_clears_the_error() throws Exception {
    JobId id = submitted();
    AtomicInteger calls = new AtomicInteger();
    JobHandler flaky =
        new JobHandler() {
          @Override
          public String name() {
            return "flaky";
          }

          @Override
          public Output handle(Request request) {
            if (calls.incrementAndGet() == 1) {
              throw new IllegalStateException("first try fails");
            }
            return new Output(new byte[] {'{', '}'}, "application/json");
          }
        };
    ProcessJob process = processJob(flaky);

    run(process, receiveOne());
    clock.advance(RETRY.backoff(1));
    assertThat(run(process, receiveOne())).isInstanceOf(Decision.Completed.class);

    assertThat(job(id).status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job(id).failure()).isEmpty();
    assertThat(job(id).errors())
        .containsExactly("java.lang.IllegalStateException: first try fails");
    assertThat(job(id).attempts()).isEqualTo(2);
    assertThat(queue.deadLetters()).isEmpty();
  }

  @Test
  void last_delivery_failing_after_another_delivery_completed_the_job_is_not_dead_lettered()
      throws Exception {
    JobId id = submitted();
    Delivery d = receiveOne();
    JobHandler racing =
        new JobHandler() {
          @Override
          public String name() {
            return "racing";
          }

          @Override
          public Output handle(Request request) {
            // meanwhile a concurrent delivery of the same message completes the job
            force(id, JobStatus.COMPLETE, "jobs/" + id + ".json", null);
            throw new IllegalStateException("slow worker gave up");
          }
        };
    ProcessJob process =
        new ProcessJob(
            table,
            new InProcessJobExecutor(racing, payloads),
            clock,
            new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1)));

    Decision outcome = run(process, d);

    assertThat(outcome).isInstanceOf(Decision.AlreadyDone.class);
    assertThat(job(id).status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(queue.deadLetters()).isEmpty();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void long_error_messages_are_bounded() throws Exception {
    JobId id = submitted();
    JobHandler verbose =
        new JobHandler() {
          @Override
          public String name() {
            return "verbose";
          }

          @Override
          public Output handle(Request request) {
            throw new IllegalStateException("x".repeat(5000));
          }
        };

    run(processJob(verbose), receiveOne());

    assertThat(job(id).failure().orElseThrow())
        .startsWith("java.lang.IllegalStateException: xxx")
        .hasSizeLessThanOrEqualTo(1001);
  }

  @Test
  void a_delivery_that_lost_its_job_to_a_later_delivery_does_not_overwrite_the_result()
      throws Exception {
    JobId id = submitted();
    Delivery first = receiveOne();
    // the same message delivered twice at once (its lease ended while the first was starting)
    queue.send(first.message());
    Delivery second = receiveOne();
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Decision> inner = new AtomicReference<>();
    JobHandler reentrant =
        new JobHandler() {
          @Override
          public String name() {
            return "reentrant";
          }

          @Override
          public Output handle(Request request) {
            if (calls.incrementAndGet() == 1) {
              // while this one runs, the second delivery arrives
              inner.set(processJob(this).process(second));
            }
            return new Output(new byte[] {'{', '}'}, "application/json");
          }
        };

    Decision outcome = processJob(reentrant).process(first);

    // the later delivery took the job over (v1 -> v2) and completed it (v3); the earlier one's
    // completion was computed from v1, so it loses and reports the job as already done
    assertThat(inner.get()).isInstanceOf(Decision.Completed.class);
    assertThat(outcome).isEqualTo(new Decision.AlreadyDone(JobStatus.COMPLETE));
    assertThat(calls).hasValue(2);
    assertThat(job(id).status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job(id).attempts()).isEqualTo(second.receiveCount());
    assertThat(job(id).version()).isEqualTo(3);
  }

  @Test
  void the_decision_carries_the_output_key_and_the_retry_delay() throws Exception {
    JobId id = submitted();
    assertThat(run(processJob(new CountingHandler()), receiveOne()))
        .isEqualTo(new Decision.Completed("jobs/" + id + ".json"));

    JobId other = submitted();
    Decision retry = run(processJob(new ThrowingHandler()), receiveOne());
    assertThat(retry)
        .isEqualTo(
            new Decision.RetryAfter(
                Duration.ofSeconds(1), "java.lang.IllegalStateException: simulated outage"));
    assertThat(job(other).status()).isEqualTo(JobStatus.PROCESSING);
  }

  /** A handler that runs {@code body} and answers {@code {}}. */
  private static JobHandler handler(ThrowingBody body) {
    return new JobHandler() {
      @Override
      public String name() {
        return "scripted";
      }

      @Override
      public Output handle(Request request) throws Exception {
        body.run(request);
        return new Output(new byte[] {'{', '}'}, "application/json");
      }
    };
  }

  @FunctionalInterface
  private interface ThrowingBody {
    void run(JobHandler.Request request) throws Exception;
  }

  /** A watch that reports {@code stop} once the handler ended, as a lease keeper would. */
  private static final class ScriptedWatch implements AttemptWatch {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger ended = new AtomicInteger();
    final Stop stop;

    ScriptedWatch(Stop stop) {
      this.stop = stop;
    }

    @Override
    public void handlerStarting() {
      started.incrementAndGet();
    }

    @Override
    public Optional<Stop> handlerEnded() {
      ended.incrementAndGet();
      return java.util.Optional.ofNullable(stop);
    }
  }

  @Test
  void the_handler_is_told_the_attempt_number_which_is_the_receive_count() throws Exception {
    submitted();
    List<Integer> attempts = new ArrayList<>();
    ProcessJob process =
        processJob(
            handler(
                request -> {
                  attempts.add(request.attempt());
                  if (request.attempt() < 3) {
                    throw new IllegalStateException("not yet");
                  }
                }));

    run(process, receiveOne());
    clock.advance(RETRY.backoff(1));
    run(process, receiveOne());
    clock.advance(RETRY.backoff(2));
    assertThat(run(process, receiveOne())).isInstanceOf(Decision.Completed.class);

    assertThat(attempts).containsExactly(1, 2, 3);
  }

  @Test
  void a_permanent_failure_fails_the_job_on_its_first_attempt_and_dead_letters_it()
      throws Exception {
    JobId id = submitted();
    AtomicInteger calls = new AtomicInteger();
    ProcessJob process =
        processJob(
            handler(
                request -> {
                  calls.incrementAndGet();
                  throw new PermanentJobFailure("the request names no city");
                }));

    Decision outcome = run(process, receiveOne());

    String error = "dev.qbi.core.port.PermanentJobFailure: the request names no city";
    assertThat(outcome).isEqualTo(new Decision.DeadLetter(error));
    assertThat(job(id).status()).isEqualTo(JobStatus.FAILED);
    assertThat(job(id).attempts()).isEqualTo(1);
    assertThat(job(id).errors()).containsExactly(error);
    assertThat(calls).hasValue(1);
    assertThat(queue.deadLetters()).singleElement().extracting(d -> d.reason()).isEqualTo(error);
    assertThat(queue.depth()).isZero();
  }

  @Test
  void an_exception_caused_by_a_permanent_failure_is_permanent_too() throws Exception {
    JobId id = submitted();
    ProcessJob process =
        processJob(
            handler(
                request -> {
                  throw new IllegalStateException("wrapped", new PermanentJobFailure("bad input"));
                }));

    assertThat(run(process, receiveOne())).isInstanceOf(Decision.DeadLetter.class);
    assertThat(job(id).status()).isEqualTo(JobStatus.FAILED);
    assertThat(job(id).attempts()).isEqualTo(1);
  }

  @Test
  void a_job_cancelled_before_its_delivery_is_already_done_and_never_runs() throws Exception {
    JobId id = submitted();
    new CancelJob(table, clock).cancel(ALICE, id);
    AtomicInteger calls = new AtomicInteger();

    Decision outcome = run(processJob(handler(r -> calls.incrementAndGet())), receiveOne());

    assertThat(outcome).isEqualTo(new Decision.AlreadyDone(JobStatus.CANCELLED));
    assertThat(calls).hasValue(0);
    assertThat(job(id).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(queue.depth()).isZero();
  }

  @Test
  void a_delivery_of_a_processing_job_with_a_cancel_request_cancels_it_without_running_it()
      throws Exception {
    JobId id = submitted();
    ProcessJob failing = processJob(new ThrowingHandler());
    run(failing, receiveOne()); // attempt 1 failed; the job waits for its retry
    new CancelJob(table, clock).cancel(ALICE, id);
    assertThat(job(id).isCancelRequested()).isTrue();
    clock.advance(RETRY.backoff(1));
    AtomicInteger calls = new AtomicInteger();

    Decision outcome = run(processJob(handler(r -> calls.incrementAndGet())), receiveOne());

    assertThat(outcome).isEqualTo(new Decision.Cancelled());
    assertThat(calls).hasValue(0);
    Job cancelled = job(id);
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelled.attempts()).isEqualTo(1);
    assertThat(cancelled.errors()).hasSize(1);
    assertThat(queue.depth()).isZero();
    assertThat(queue.deadLetters()).isEmpty();
  }

  @Test
  void a_handler_stopped_for_a_cancel_request_ends_the_job_cancelled() throws Exception {
    JobId id = submitted();
    ScriptedWatch watch = new ScriptedWatch(new AttemptWatch.CancelRequested());
    ProcessJob process =
        processJob(
            handler(
                request -> {
                  new CancelJob(table, clock).cancel(ALICE, id);
                  // the watch saw the request and interrupted the handler
                  throw new InterruptedException("sleep interrupted");
                }));

    Decision outcome = process.process(receiveOne(), watch);

    assertThat(outcome).isEqualTo(new Decision.Cancelled());
    assertThat(watch.started).hasValue(1);
    assertThat(watch.ended).hasValue(1);
    Job cancelled = job(id);
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelled.attempts()).isEqualTo(1);
    assertThat(cancelled.errors()).as("a cancel is not a failure").isEmpty();
  }

  @Test
  void a_handler_that_finishes_after_a_cancel_request_still_ends_the_job_cancelled()
      throws Exception {
    JobId id = submitted();
    ProcessJob process =
        processJob(handler(request -> new CancelJob(table, clock).cancel(ALICE, id)));

    Decision outcome = run(process, receiveOne());

    // its write to complete lost to the cancel request; judged again, the job is cancelled
    assertThat(outcome).isEqualTo(new Decision.Cancelled());
    assertThat(job(id).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(queue.depth()).isZero();
  }

  @Test
  void a_handler_that_fails_after_a_cancel_request_ends_the_job_cancelled_not_retried()
      throws Exception {
    JobId id = submitted();
    ProcessJob process =
        processJob(
            handler(
                request -> {
                  new CancelJob(table, clock).cancel(ALICE, id);
                  throw new IllegalStateException("gave up");
                }));

    assertThat(run(process, receiveOne())).isEqualTo(new Decision.Cancelled());
    assertThat(job(id).status()).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void a_handler_stopped_by_the_job_timeout_fails_the_attempt_with_a_timeout_error()
      throws Exception {
    JobId id = submitted();
    ScriptedWatch watch = new ScriptedWatch(new AttemptWatch.TimedOut(Duration.ofMinutes(15)));
    ProcessJob process =
        processJob(
            handler(
                request -> {
                  throw new InterruptedException("sleep interrupted");
                }));

    Decision outcome = process.process(receiveOne(), watch);

    String error = "dev.qbi.core.usecase.JobTimeoutException: job ran longer than PT15M";
    assertThat(outcome).isEqualTo(new Decision.RetryAfter(RETRY.backoff(1), error));
    assertThat(job(id).status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(job(id).errors()).containsExactly(error);
  }

  @Test
  void a_handler_that_ignores_the_stop_and_succeeds_completes_the_job() throws Exception {
    JobId id = submitted();
    ScriptedWatch watch = new ScriptedWatch(new AttemptWatch.TimedOut(Duration.ofSeconds(1)));

    Decision outcome = processJob(new CountingHandler()).process(receiveOne(), watch);

    assertThat(outcome).isInstanceOf(Decision.Completed.class);
    assertThat(job(id).status()).isEqualTo(JobStatus.COMPLETE);
  }

  @Test
  void without_a_watch_the_handler_runs_as_before() throws Exception {
    JobId id = submitted();

    assertThat(processJob(new CountingHandler()).process(receiveOne()))
        .isInstanceOf(Decision.Completed.class);
    assertThat(job(id).status()).isEqualTo(JobStatus.COMPLETE);
  }

  @Test
  void backoff_starts_at_the_base_delay_and_doubles_per_delivery() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(60));

    assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void backoff_is_capped_at_the_max_delay_even_for_huge_receive_counts() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(60));

    assertThat(policy.backoff(7)).isEqualTo(Duration.ofSeconds(60)); // 64 s capped
    assertThat(policy.backoff(6)).isEqualTo(Duration.ofSeconds(32));
    assertThat(policy.backoff(1_000)).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void default_retry_policy_is_three_deliveries() {
    assertThat(RetryPolicy.DEFAULT.maxReceiveCount()).isEqualTo(3);
    assertThat(RetryPolicy.DEFAULT.backoff(1)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void max_receive_count_must_be_at_least_one() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
