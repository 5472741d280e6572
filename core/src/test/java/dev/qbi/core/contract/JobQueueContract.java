package dev.qbi.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobQueue} adapter must do. Subclass once per adapter and implement {@link
 * #createQueue}. Time is moved with {@link #letTimePass}: by default it advances the {@link
 * MutableClock} handed to the adapter; an adapter whose store keeps its own time (SQS) overrides it
 * to wait instead.
 */
public abstract class JobQueueContract {

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

  @Test
  void sent_message_is_received_with_its_id_owner_and_body() throws Exception {
    JobMessage sent = message(new Owner("alice"), "{\"city\":\"Oslo\"}");
    queue.send(sent);

    List<Delivery> got = receiveNow(10, LONG_LEASE);

    assertThat(got).hasSize(1);
    Delivery d = got.get(0);
    assertThat(d.message().jobId()).isEqualTo(sent.jobId());
    assertThat(d.message().owner()).isEqualTo(new Owner("alice"));
    assertThat(d.message().body()).isEqualTo(sent.body());
    assertThat(d.receiveCount()).isEqualTo(1);
    assertThat(d.receipt()).isNotBlank();
  }

  @Test
  void empty_queue_receives_nothing() throws Exception {
    assertThat(receiveNow(10, LONG_LEASE)).isEmpty();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void receive_returns_at_most_max_messages() throws Exception {
    for (int i = 0; i < 5; i++) {
      queue.send(message("{\"n\":" + i + "}"));
    }

    List<Delivery> first = receiveNow(3, LONG_LEASE);
    List<Delivery> rest = receiveNow(10, LONG_LEASE);

    assertThat(first).hasSize(3);
    assertThat(rest).hasSize(2);
    assertThat(ids(first)).doesNotContainAnyElementsOf(ids(rest));
  }

  @Test
  void leased_message_is_invisible_until_its_lease_ends() throws Exception {
    queue.send(message("{}"));
    assertThat(receiveNow(10, LONG_LEASE)).hasSize(1);

    assertThat(receiveNow(10, LONG_LEASE)).isEmpty();
    assertThat(queue.depth()).as("in flight still counts").isEqualTo(1);
  }

  @Test
  void expired_lease_is_delivered_again_with_receive_count_plus_one() throws Exception {
    JobMessage sent = message("{}");
    queue.send(sent);
    Delivery first = receiveNow(1, SHORT_LEASE).get(0);

    letTimePass(PAST_SHORT_LEASE);
    List<Delivery> again = receiveNow(1, SHORT_LEASE);

    assertThat(again).hasSize(1);
    assertThat(again.get(0).message().jobId()).isEqualTo(sent.jobId());
    assertThat(again.get(0).receiveCount()).isEqualTo(first.receiveCount() + 1);
    assertThat(again.get(0).receipt()).isNotEqualTo(first.receipt());
  }

  @Test
  void acknowledged_message_is_never_delivered_again() throws Exception {
    queue.send(message("{}"));
    Delivery d = receiveNow(1, SHORT_LEASE).get(0);

    queue.acknowledge(d);
    letTimePass(PAST_SHORT_LEASE);

    assertThat(receiveNow(10, SHORT_LEASE)).isEmpty();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void acknowledge_with_a_stale_receipt_is_ignored() throws Exception {
    JobMessage sent = message("{}");
    queue.send(sent);
    Delivery stale = receiveNow(1, SHORT_LEASE).get(0);
    letTimePass(PAST_SHORT_LEASE);
    Delivery current = receiveNow(1, SHORT_LEASE).get(0);

    queue.acknowledge(stale);

    assertThat(queue.depth()).as("the current lease holder still has it").isEqualTo(1);
    letTimePass(PAST_SHORT_LEASE);
    List<Delivery> third = receiveNow(1, LONG_LEASE);
    assertThat(third).hasSize(1);
    assertThat(third.get(0).message().jobId()).isEqualTo(sent.jobId());
    assertThat(third.get(0).receiveCount()).isEqualTo(current.receiveCount() + 1);
  }

  @Test
  void acknowledge_with_the_current_receipt_after_a_redelivery_deletes() throws Exception {
    queue.send(message("{}"));
    receiveNow(1, SHORT_LEASE);
    letTimePass(PAST_SHORT_LEASE);
    Delivery current = receiveNow(1, SHORT_LEASE).get(0);

    queue.acknowledge(current);

    assertThat(queue.depth()).isZero();
  }

  @Test
  void retry_later_hides_the_message_until_the_delay_has_passed() throws Exception {
    JobMessage sent = message("{}");
    queue.send(sent);
    Delivery d = receiveNow(1, LONG_LEASE).get(0);

    queue.retryLater(d, Duration.ofSeconds(2));
    assertThat(receiveNow(1, LONG_LEASE)).isEmpty();

    letTimePass(Duration.ofSeconds(3));
    List<Delivery> again = receiveNow(1, LONG_LEASE);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).message().jobId()).isEqualTo(sent.jobId());
    assertThat(again.get(0).receiveCount()).isEqualTo(2);
  }

  @Test
  void retry_later_with_no_delay_makes_the_message_visible_at_once() throws Exception {
    queue.send(message("{}"));
    Delivery d = receiveNow(1, LONG_LEASE).get(0);

    queue.retryLater(d, Duration.ZERO);

    assertThat(receiveNow(1, LONG_LEASE)).hasSize(1);
  }

  @Test
  void dead_lettered_message_leaves_the_queue_for_good() throws Exception {
    JobMessage keep = message("{\"keep\":true}");
    queue.send(message("{\"poison\":true}"));
    Delivery d = receiveNow(1, SHORT_LEASE).get(0);
    queue.send(keep);

    queue.deadLetter(d, "java.lang.IllegalStateException: boom");

    letTimePass(PAST_SHORT_LEASE);
    List<Delivery> left = receiveNow(10, SHORT_LEASE);
    assertThat(ids(left)).containsExactly(keep.jobId());
    assertThat(queue.depth()).isEqualTo(1);
  }

  @Test
  void depth_counts_waiting_and_in_flight_messages() throws Exception {
    queue.send(message("{}"));
    queue.send(message("{}"));
    queue.send(message("{}"));
    Delivery d = receiveNow(1, LONG_LEASE).get(0);
    assertThat(queue.depth()).isEqualTo(3);

    queue.acknowledge(d);
    assertThat(queue.depth()).isEqualTo(2);
  }

  @Test
  void a_waiting_receiver_gets_a_message_sent_while_it_waits() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch started = new CountDownLatch(1);
      Future<List<Delivery>> waiting =
          pool.submit(
              () -> {
                started.countDown();
                return queue.receive(1, LONG_LEASE, Duration.ofSeconds(20));
              });
      started.await();
      JobMessage sent = message("{}");
      queue.send(sent);

      List<Delivery> got = waiting.get(30, TimeUnit.SECONDS);
      assertThat(ids(got)).containsExactly(sent.jobId());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void receive_with_a_wait_returns_empty_when_nothing_arrives() throws Exception {
    assertThat(queue.receive(1, LONG_LEASE, Duration.ofMillis(200))).isEmpty();
  }

  @Test
  void concurrent_receivers_never_hold_the_same_message() throws Exception {
    int messages = 200;
    Set<JobId> sent = new HashSet<>();
    for (int i = 0; i < messages; i++) {
      JobMessage m = message("{\"n\":" + i + "}");
      sent.add(m.jobId());
      queue.send(m);
    }
    int receivers = 8;
    ConcurrentHashMap<JobId, Integer> deliveries = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(receivers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < receivers; r++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  int emptyInARow = 0;
                  while (emptyInARow < 3) {
                    List<Delivery> got = queue.receive(5, LONG_LEASE, Duration.ZERO);
                    emptyInARow = got.isEmpty() ? emptyInARow + 1 : 0;
                    for (Delivery d : got) {
                      deliveries.merge(d.message().jobId(), 1, Integer::sum);
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(deliveries.keySet()).isEqualTo(sent);
    assertThat(deliveries.values()).as("each message leased to one receiver only").containsOnly(1);
  }

  protected static List<JobId> ids(List<Delivery> deliveries) {
    return deliveries.stream().map(d -> d.message().jobId()).toList();
  }
}
