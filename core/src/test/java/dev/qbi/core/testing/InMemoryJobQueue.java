package dev.qbi.core.testing;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.port.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link JobQueue} in memory, for tests, with the semantics of the real queues: a received
 * message is leased until {@code now + visibility} by the injected clock and delivered again after
 * that unless acknowledged; each delivery counts; operations with a stale receipt are ignored;
 * dead-lettered messages are kept with their reason.
 *
 * <p>{@code receive} waits (in real time, at most {@code wait}) only while no message is visible; a
 * {@code send} wakes it. Lease and retry delays follow the injected clock, so tests move a {@link
 * MutableClock} instead of sleeping.
 */
public final class InMemoryJobQueue implements JobQueue {

  private final Clock clock;
  private final Map<Long, Entry> entries = new LinkedHashMap<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private long nextSeq;
  private int acknowledged;

  public InMemoryJobQueue(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A message in the dead-letter queue. */
  public record DeadLetter(JobMessage message, String reason, int receiveCount) {}

  private static final class Entry {
    final JobMessage message;
    Instant visibleAt;
    int receiveCount;
    String receipt;

    Entry(JobMessage message, Instant visibleAt) {
      this.message = message;
      this.visibleAt = visibleAt;
    }
  }

  @Override
  public synchronized void send(JobMessage message) {
    entries.put(nextSeq++, new Entry(Objects.requireNonNull(message, "message"), clock.instant()));
    notifyAll();
  }

  @Override
  public synchronized List<Delivery> receive(int max, Duration visibility, Duration wait)
      throws InterruptedException {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1");
    }
    List<Delivery> out = leaseVisible(max, visibility);
    if (out.isEmpty() && wait.isPositive()) {
      wait(Math.max(1, wait.toMillis()));
      out = leaseVisible(max, visibility);
    }
    return out;
  }

  private List<Delivery> leaseVisible(int max, Duration visibility) {
    Instant now = clock.instant();
    List<Delivery> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (out.size() == max) {
        break;
      }
      if (!e.visibleAt.isAfter(now)) {
        e.receiveCount++;
        e.receipt = UUID.randomUUID().toString();
        e.visibleAt = now.plus(visibility);
        out.add(new Delivery(e.message, e.receipt, e.receiveCount));
      }
    }
    return out;
  }

  @Override
  public synchronized boolean settle(Delivery delivery, Decision decision) {
    Long seq = holderOf(delivery);
    if (seq == null) {
      return false;
    }
    Entry e = entries.get(seq);
    switch (decision) {
      case Decision.Completed c -> {
        entries.remove(seq);
        acknowledged++;
      }
      case Decision.AlreadyDone a -> {
        entries.remove(seq);
        acknowledged++;
      }
      case Decision.Cancelled c -> {
        entries.remove(seq);
        acknowledged++;
      }
      case Decision.RetryAfter r -> {
        e.visibleAt = clock.instant().plus(r.delay());
        e.receipt = null;
        notifyAll();
      }
      case Decision.DeadLetter d -> {
        entries.remove(seq);
        deadLetters.add(new DeadLetter(e.message, d.error(), e.receiveCount));
      }
      case Decision.Contended c -> {
        // stays leased; delivered again when the lease ends
      }
    }
    return true;
  }

  @Override
  public synchronized boolean extendLease(Delivery delivery, Duration visibility) {
    Long seq = holderOf(delivery);
    if (seq == null) {
      return false;
    }
    entries.get(seq).visibleAt = clock.instant().plus(visibility);
    return true;
  }

  @Override
  public synchronized long depth() {
    return entries.size();
  }

  /** The dead-lettered messages, oldest first. */
  public synchronized List<DeadLetter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  /** How many deliveries were acknowledged with a current receipt. */
  public synchronized int acknowledgedCount() {
    return acknowledged;
  }

  /**
   * The key of the entry whose current lease {@code delivery} holds, or null for a stale one (a
   * lease that ended is stale even before another receive takes the message, as on SQS).
   */
  private Long holderOf(Delivery delivery) {
    for (Map.Entry<Long, Entry> e : entries.entrySet()) {
      if (delivery.receipt().equals(e.getValue().receipt)) {
        return e.getKey();
      }
    }
    return null;
  }
}
