package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.simulator.WeatherSimulator;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.InMemoryPayloadStore;
import dev.qbi.core.usecase.AttemptWatch;
import dev.qbi.core.usecase.InProcessJobExecutor;
import dev.qbi.core.usecase.LeaseKeeper;
import dev.qbi.core.usecase.ProcessJob;
import dev.qbi.core.usecase.ProcessJob.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A job that runs three times the visibility timeout on the SQS adapter (ElasticMQ, in real time):
 * with the {@link LeaseKeeper} stretching its lease ({@code ChangeMessageVisibility}) no other
 * receiver gets the message and the handler runs once; without it, the message comes back while the
 * handler still runs. The visibility timeout is 3 s (a heartbeat every second) and the class runs
 * alone: a real-time emulator shared with the module's other tests on a loaded machine can answer a
 * second late.
 */
@Isolated
@Execution(ExecutionMode.CONCURRENT)
class SqsLeaseKeeperTest {

  private static final Owner ALICE = new Owner("alice-sub");
  private static final Duration VISIBILITY = Duration.ofSeconds(3);
  private static final String THREE_TIMEOUTS = "{\"simulateDurationSeconds\": 9}";

  private static AwsClients aws;

  private SqsJobQueue queue;
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final CountingSimulator handler = new CountingSimulator();
  private ProcessJob processJob;

  @BeforeAll
  static void startElasticMq() {
    aws = TestAws.clients().sqsEndpoint(LocalSqs.shared().endpoint()).build();
  }

  @AfterAll
  static void closeClients() {
    aws.close();
  }

  @BeforeEach
  void freshQueue() {
    queue =
        new SqsJobQueue(
            aws.sqs(),
            LocalSqs.shared().createQueue(aws.sqs(), "lease"),
            LocalSqs.shared().createQueue(aws.sqs(), "lease-dlq"));
    processJob =
        new ProcessJob(
            table,
            new InProcessJobExecutor(handler, new InMemoryPayloadStore(Clock.systemUTC())),
            Clock.systemUTC(),
            RetryPolicy.DEFAULT);
  }

  /** The weather simulator, counting its runs. */
  private static final class CountingSimulator implements JobHandler {
    final AtomicInteger calls = new AtomicInteger();
    final WeatherSimulator simulator = new WeatherSimulator(5);

    @Override
    public String name() {
      return "counting-simulator";
    }

    @Override
    public Output handle(Request request) throws Exception {
      calls.incrementAndGet();
      return simulator.handle(request);
    }
  }

  /** Another worker polling the same queue, keeping whatever it receives (never settling it). */
  private final class Competitor {
    final List<Delivery> received = new CopyOnWriteArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (running.get()) {
                    try {
                      received.addAll(queue.receive(1, Duration.ofMinutes(1), Duration.ZERO));
                      Thread.sleep(100);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

  private JobId send(String body) {
    JobId id = JobId.random();
    queue.send(
        new JobMessage(
            id, ALICE, body.getBytes(StandardCharsets.UTF_8), Clock.systemUTC().instant()));
    return id;
  }

  private Delivery receiveOne() throws InterruptedException {
    List<Delivery> got = queue.receive(1, VISIBILITY, Duration.ofSeconds(5));
    assertThat(got).hasSize(1);
    return got.get(0);
  }

  @Test
  void a_job_of_three_visibility_timeouts_runs_once_when_its_lease_is_kept() throws Exception {
    JobId id = send(THREE_TIMEOUTS);
    Delivery d = receiveOne();
    Decision decision;
    Competitor other = new Competitor();
    try (LeaseKeeper keeper = new LeaseKeeper(queue, table, VISIBILITY, Duration.ofMinutes(1));
        LeaseKeeper.Watch watch = keeper.watch(d)) {
      decision = processJob.process(d, watch);
    }
    queue.settle(d, decision);
    other.stop();

    assertThat(decision).isInstanceOf(Decision.Completed.class);
    assertThat(other.received).as("deliveries to another worker").isEmpty();
    assertThat(handler.calls).hasValue(1);
    Job job = table.find(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job.attempts()).isEqualTo(1);
    assertThat(job.errors()).isEmpty();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void without_the_keeper_the_same_job_is_delivered_again_while_it_runs() throws Exception {
    send(THREE_TIMEOUTS);
    Delivery d = receiveOne();
    Competitor other = new Competitor();

    processJob.process(d, AttemptWatch.NONE);
    other.stop();

    assertThat(other.received)
        .as("the lease ran out during the job")
        .isNotEmpty()
        .allSatisfy(again -> assertThat(again.receiveCount()).isEqualTo(2));
  }
}
