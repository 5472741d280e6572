package dev.qbi.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobInbox;
import dev.qbi.core.testing.InMemoryJobTable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lease keeper in real time, with a short visibility timeout (heartbeat every 100 ms). */
class LeaseKeeperTest {

  private static final Owner ALICE = new Owner("alice-sub");
  private static final Duration VISIBILITY = Duration.ofMillis(300);
  private static final Duration LONG = Duration.ofSeconds(10);

  private final InMemoryJobTable table = new InMemoryJobTable();
  private final RecordingInbox inbox = new RecordingInbox();
  private final Clock clock = Clock.systemUTC();
  private LeaseKeeper keeper = new LeaseKeeper(inbox, table, VISIBILITY, LONG);

  @AfterEach
  void closeKeeper() {
    keeper.close();
    Thread.interrupted(); // never leak an interrupt into the next test
  }

  /** Records extensions; answers {@link #answer} (or throws {@link #failure}). */
  private static final class RecordingInbox implements JobInbox {
    final List<Duration> extensions = new CopyOnWriteArrayList<>();
    volatile boolean answer = true;
    volatile RuntimeException failure;

    @Override
    public List<Delivery> receive(int max, Duration visibility, Duration wait) {
      return List.of();
    }

    @Override
    public boolean settle(Delivery delivery, Decision decision) {
      return true;
    }

    @Override
    public boolean extendLease(Delivery delivery, Duration visibility) {
      extensions.add(visibility);
      if (failure != null) {
        throw failure;
      }
      return answer;
    }

    @Override
    public long depth() {
      return 0;
    }
  }

  /** A job in {@code processing}, as the delivery that runs it leaves it, and that delivery. */
  private Delivery processingJob() {
    JobId id = JobId.random();
    Job job = Job.submitted(id, ALICE, "md5", clock.instant());
    table.insertIfAbsent(job);
    table.update(job.next(JobStatus.PROCESSING, clock.instant(), 1, null, null));
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    return new Delivery(new JobMessage(id, ALICE, body, clock.instant()), "receipt-1", 1);
  }

  /**
   * Waits until {@code n} heartbeats have extended the lease: heartbeats run one at a time, so the
   * first {@code n - 1} have also checked the job for a cancel request.
   */
  private void awaitBeats(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (inbox.extensions.size() < n) {
      assertThat(System.nanoTime()).as("heartbeats").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private void cancel(Delivery d) {
    new CancelJob(table, clock).cancel(ALICE, d.message().jobId());
  }

  @Test
  void the_heartbeat_is_a_third_of_the_visibility_timeout() {
    assertThat(keeper.heartbeat()).isEqualTo(Duration.ofMillis(100));
    assertThat(keeper.jobTimeout()).isEqualTo(LONG);
  }

  @Test
  void extends_the_lease_every_heartbeat_while_watched_and_stops_once_closed() throws Exception {
    Delivery d = processingJob();

    LeaseKeeper.Watch watch = keeper.watch(d);
    Thread.sleep(650);
    watch.close();
    int extended = inbox.extensions.size();
    Thread.sleep(400);

    assertThat(extended).isBetween(3, 7); // 6 on an idle machine
    assertThat(inbox.extensions).hasSize(extended).containsOnly(VISIBILITY);
  }

  @Test
  void a_lost_lease_is_not_extended_again() throws Exception {
    inbox.answer = false;

    LeaseKeeper.Watch watch = keeper.watch(processingJob());
    Thread.sleep(550);
    watch.close();

    assertThat(inbox.extensions).hasSize(1);
  }

  @Test
  void an_extension_that_fails_is_tried_again_at_the_next_heartbeat() throws Exception {
    inbox.failure = new IllegalStateException("queue unreachable");

    LeaseKeeper.Watch watch = keeper.watch(processingJob());
    Thread.sleep(550);
    watch.close();

    assertThat(inbox.extensions).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void a_cancel_request_interrupts_the_running_handler() throws Exception {
    Delivery d = processingJob();
    Optional<AttemptWatch.Stop> stop;
    long start;
    try (LeaseKeeper.Watch watch = keeper.watch(d)) {
      watch.handlerStarting();
      cancel(d);
      start = System.nanoTime();
      assertThatThrownBy(() -> Thread.sleep(LONG)).isInstanceOf(InterruptedException.class);
      stop = watch.handlerEnded();
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(stop).contains(new AttemptWatch.CancelRequested());
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void a_cancel_seen_before_the_handler_starts_interrupts_it_as_it_starts_and_not_before()
      throws Exception {
    Delivery d = processingJob();
    cancel(d);
    try (LeaseKeeper.Watch watch = keeper.watch(d)) {
      awaitBeats(2); // heartbeats saw the request; nothing runs yet, so nothing is interrupted
      assertThat(Thread.currentThread().isInterrupted()).isFalse();

      watch.handlerStarting();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(watch.handlerEnded()).contains(new AttemptWatch.CancelRequested());
      assertThat(Thread.currentThread().isInterrupted()).as("cleared").isFalse();
    }
  }

  @Test
  void no_interruption_reaches_the_thread_after_the_handler_ended() throws Exception {
    Delivery d = processingJob();
    try (LeaseKeeper.Watch watch = keeper.watch(d)) {
      watch.handlerStarting();
      assertThat(watch.handlerEnded()).isEmpty();
      cancel(d);
      awaitBeats(inbox.extensions.size() + 2); // the job's final write would happen here
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
  }

  @Test
  void a_cancelled_job_stops_its_handler_too() throws Exception {
    Delivery d = processingJob();
    Job job = table.find(d.message().jobId()).orElseThrow();
    // another delivery already recorded it cancelled
    table.update(job.next(JobStatus.CANCELLED, clock.instant(), 1, null, null));
    try (LeaseKeeper.Watch watch = keeper.watch(d)) {
      watch.handlerStarting();
      assertThatThrownBy(() -> Thread.sleep(LONG)).isInstanceOf(InterruptedException.class);
      assertThat(watch.handlerEnded()).contains(new AttemptWatch.CancelRequested());
    }
  }

  @Test
  void a_handler_running_past_the_job_timeout_is_interrupted() throws Exception {
    keeper.close();
    keeper = new LeaseKeeper(inbox, table, VISIBILITY, Duration.ofMillis(200));
    Delivery d = processingJob();
    try (LeaseKeeper.Watch watch = keeper.watch(d)) {
      long start = System.nanoTime();
      watch.handlerStarting();
      assertThatThrownBy(() -> Thread.sleep(LONG)).isInstanceOf(InterruptedException.class);
      Duration ran = Duration.ofNanos(System.nanoTime() - start);

      assertThat(watch.handlerEnded()).contains(new AttemptWatch.TimedOut(Duration.ofMillis(200)));
      assertThat(ran).isBetween(Duration.ofMillis(150), Duration.ofSeconds(2));
    }
  }

  @Test
  void a_handler_that_ends_in_time_is_not_interrupted_later() throws Exception {
    keeper.close();
    keeper = new LeaseKeeper(inbox, table, VISIBILITY, Duration.ofMillis(200));
    try (LeaseKeeper.Watch watch = keeper.watch(processingJob())) {
      watch.handlerStarting();
      Thread.sleep(50);
      assertThat(watch.handlerEnded()).isEmpty();
      Thread.sleep(300);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
  }

  @Test
  void the_handler_must_run_on_the_thread_that_opened_the_watch() throws Exception {
    try (LeaseKeeper.Watch watch = keeper.watch(processingJob())) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread other =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      watch.handlerStarting();
                    } catch (Throwable t) {
                      thrown.set(t);
                    }
                  });
      other.join();
      assertThat(thrown.get()).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void a_closed_keeper_opens_no_watch() {
    keeper.close();

    assertThatThrownBy(() -> keeper.watch(processingJob()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void visibility_and_timeout_must_be_positive() {
    assertThatThrownBy(() -> new LeaseKeeper(inbox, table, Duration.ZERO, LONG))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LeaseKeeper(inbox, table, VISIBILITY, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
