package dev.qbi.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobSender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobSender} must do: a sent message arrives in the inbox once, intact, and wakes
 * a waiting receiver. Run against the SQLite queue, SQS (ElasticMQ) and the in-memory fake.
 */
public abstract class JobSenderContract extends QueueContractFixture {

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
  void messages_from_concurrent_senders_all_arrive_once() throws Exception {
    int senders = 4;
    int each = 25;
    Set<JobId> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    JobMessage m = message("{\"i\":" + i + "}");
                    queue.send(m);
                    sent.add(m.jobId());
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Set<JobId> received = new HashSet<>();
    List<JobId> all = new ArrayList<>();
    for (int round = 0; round < 50 && all.size() < senders * each; round++) {
      List<JobId> got = ids(receiveNow(10, LONG_LEASE));
      all.addAll(got);
      received.addAll(got);
    }
    assertThat(all).hasSize(senders * each);
    assertThat(received).isEqualTo(sent);
  }

  @Test
  void message_bodies_arrive_byte_for_byte() throws Exception {
    byte[] body = new byte[4096];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) ('a' + i % 26);
    }
    JobMessage sent = new JobMessage(JobId.random(), new Owner("bob"), body, clock.instant());
    queue.send(sent);

    Delivery d = receiveNow(1, LONG_LEASE).get(0);
    assertThat(d.message().body()).isEqualTo(body);
    assertThat(d.message().owner()).isEqualTo(new Owner("bob"));
  }
}
