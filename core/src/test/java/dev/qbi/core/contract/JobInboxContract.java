package dev.qbi.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.port.JobInbox;
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
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobInbox} must do: leases, receive counts, settling a delivery with each kind
 * of {@link Decision}, extending a lease, and receipts that go stale when a lease ends. Run against
 * the SQLite queue, SQS (ElasticMQ) and the in-memory fake.
 */
public abstract class JobInboxContract extends QueueContractFixture {

  private static final Decision COMPLETED = new Decision.Completed("jobs/out.json");

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
  void completed_message_is_never_delivered_again() throws Exception {
    queue.send(message("{}"));
    Delivery d = receiveNow(1, SHORT_LEASE).get(0);

    queue.settle(d, COMPLETED);
    letTimePass(PAST_SHORT_LEASE);

    assertThat(receiveNow(10, SHORT_LEASE)).isEmpty();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void settling_with_a_stale_receipt_is_ignored() throws Exception {
    JobMessage sent = message("{}");
    queue.send(sent);
    Delivery stale = receiveNow(1, SHORT_LEASE).get(0);
    letTimePass(PAST_SHORT_LEASE);
    Delivery current = receiveNow(1, SHORT_LEASE).get(0);

    assertThat(queue.settle(stale, COMPLETED)).isFalse();

    assertThat(queue.depth()).as("the current lease holder still has it").isEqualTo(1);
    letTimePass(PAST_SHORT_LEASE);
    List<Delivery> third = receiveNow(1, LONG_LEASE);
    assertThat(third).hasSize(1);
    assertThat(third.get(0).message().jobId()).isEqualTo(sent.jobId());
    assertThat(third.get(0).receiveCount()).isEqualTo(current.receiveCount() + 1);
  }

  @Test
  void settling_with_the_current_receipt_after_a_redelivery_deletes() throws Exception {
    queue.send(message("{}"));
    receiveNow(1, SHORT_LEASE);
    letTimePass(PAST_SHORT_LEASE);
    Delivery current = receiveNow(1, SHORT_LEASE).get(0);

    assertThat(queue.settle(current, COMPLETED)).isTrue();

    assertThat(queue.depth()).isZero();
  }

  @Test
  void retry_after_hides_the_message_until_the_delay_has_passed() throws Exception {
    JobMessage sent = message("{}");
    queue.send(sent);
    Delivery d = receiveNow(1, LONG_LEASE).get(0);

    queue.settle(d, new Decision.RetryAfter(Duration.ofSeconds(2), "boom"));
    assertThat(receiveNow(1, LONG_LEASE)).isEmpty();

    letTimePass(Duration.ofSeconds(3));
    List<Delivery> again = receiveNow(1, LONG_LEASE);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).message().jobId()).isEqualTo(sent.jobId());
    assertThat(again.get(0).receiveCount()).isEqualTo(2);
  }

  @Test
  void retry_after_with_no_delay_makes_the_message_visible_at_once() throws Exception {
    queue.send(message("{}"));
    Delivery d = receiveNow(1, LONG_LEASE).get(0);

    queue.settle(d, new Decision.RetryAfter(Duration.ZERO, "boom"));

    assertThat(receiveNow(1, LONG_LEASE)).hasSize(1);
  }

  @Test
  void dead_lettered_message_leaves_the_queue_for_good() throws Exception {
    JobMessage keep = message("{\"keep\":true}");
    queue.send(message("{\"poison\":true}"));
    Delivery d = receiveNow(1, SHORT_LEASE).get(0);
    queue.send(keep);

    assertThat(queue.settle(d, new Decision.DeadLetter("java.lang.IllegalStateException: boom")))
        .isTrue();

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

    queue.settle(d, COMPLETED);
    assertThat(queue.depth()).isEqualTo(2);
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

  @Test
  void already_done_deletes_the_message_like_completed() throws Exception {
    queue.send(message("{}"));
    Delivery d = receiveNow(1, SHORT_LEASE).get(0);

    assertThat(queue.settle(d, new Decision.AlreadyDone(JobStatus.COMPLETE))).isTrue();
    letTimePass(PAST_SHORT_LEASE);

    assertThat(receiveNow(10, SHORT_LEASE)).isEmpty();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void contended_leaves_the_message_leased_until_its_lease_ends() throws Exception {
    JobMessage sent = message("{}");
    queue.send(sent);
    Delivery d = receiveNow(1, SHORT_LEASE).get(0);

    queue.settle(d, new Decision.Contended());
    assertThat(receiveNow(1, SHORT_LEASE)).as("still leased").isEmpty();

    letTimePass(PAST_SHORT_LEASE);
    List<Delivery> again = receiveNow(1, SHORT_LEASE);
    assertThat(ids(again)).containsExactly(sent.jobId());
    assertThat(again.get(0).receiveCount()).isEqualTo(2);
  }

  @Test
  void an_extended_lease_outlives_the_original_one() throws Exception {
    queue.send(message("{}"));
    Delivery d = receiveNow(1, SHORT_LEASE).get(0);

    assertThat(queue.extendLease(d, LONG_LEASE)).isTrue();
    letTimePass(PAST_SHORT_LEASE);

    assertThat(receiveNow(1, SHORT_LEASE)).as("the extension holds").isEmpty();
    assertThat(queue.settle(d, COMPLETED)).as("the receipt is still current").isTrue();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void a_lease_is_extended_from_now_not_from_its_old_end() throws Exception {
    JobMessage sent = message("{}");
    queue.send(sent);
    Delivery d = receiveNow(1, LONG_LEASE).get(0);

    assertThat(queue.extendLease(d, SHORT_LEASE)).isTrue();
    letTimePass(PAST_SHORT_LEASE);

    assertThat(ids(receiveNow(1, SHORT_LEASE))).containsExactly(sent.jobId());
  }

  @Test
  void a_stale_receipt_cannot_extend_the_lease() throws Exception {
    queue.send(message("{}"));
    Delivery stale = receiveNow(1, SHORT_LEASE).get(0);
    letTimePass(PAST_SHORT_LEASE);
    Delivery current = receiveNow(1, SHORT_LEASE).get(0);

    assertThat(queue.extendLease(stale, LONG_LEASE)).isFalse();

    letTimePass(PAST_SHORT_LEASE);
    List<Delivery> third = receiveNow(1, SHORT_LEASE);
    assertThat(third).as("the current lease was not stretched by the stale receipt").hasSize(1);
    assertThat(third.get(0).receiveCount()).isEqualTo(current.receiveCount() + 1);
  }
}
