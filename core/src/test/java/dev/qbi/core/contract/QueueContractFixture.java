package dev.qbi.core.contract;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture shared by {@link JobSenderContract} and {@link JobInboxContract}: a fresh queue per
 * test, messages, and the passing of time. An adapter's test class nests one subclass of each
 * contract and implements {@link #createQueue} in both. Time is moved with {@link #letTimePass}: by
 * default it advances the {@link MutableClock} handed to the adapter; an adapter whose store keeps
 * its own time (SQS) overrides it to wait instead.
 */
public abstract class QueueContractFixture {

  /** Long enough never to expire during a test. */
  protected static final Duration LONG_LEASE = Duration.ofMinutes(10);

  /** Short enough to expire when {@link #letTimePass} is called with {@link #PAST_SHORT_LEASE}. */
  protected static final Duration SHORT_LEASE = Duration.ofSeconds(2);

  protected static final Duration PAST_SHORT_LEASE = Duration.ofSeconds(3);

  protected MutableClock clock;
  protected JobQueue queue;

  /** A new, empty queue whose notion of "now" is {@code clock}. */
  protected abstract JobQueue createQueue(MutableClock clock) throws Exception;

  /** Makes {@code d} pass for the queue. */
  protected void letTimePass(Duration d) {
    clock.advance(d);
  }

  @BeforeEach
  void createQueueUnderTest() throws Exception {
    clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    queue = createQueue(clock);
  }

  protected JobMessage message(String body) {
    return message(new Owner("user-1"), body);
  }

  protected JobMessage message(Owner owner, String body) {
    return new JobMessage(
        JobId.random(), owner, body.getBytes(StandardCharsets.UTF_8), clock.instant());
  }

  protected List<Delivery> receiveNow(int max, Duration visibility) throws InterruptedException {
    return queue.receive(max, visibility, Duration.ZERO);
  }

  protected static List<JobId> ids(List<Delivery> deliveries) {
    return deliveries.stream().map(d -> d.message().jobId()).toList();
  }
}
