package dev.qbi.core.testing;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.DeadLetterStore;
import dev.qbi.core.port.JobSender;
import dev.qbi.core.port.JobTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link DeadLetterStore} in memory, for tests: dead letters are added by hand, a redrive updates
 * the job in {@code table} (conditionally, as the real store does) and sends the message to {@code
 * queue}, where it starts with a receive count of 0.
 */
public final class InMemoryDeadLetters implements DeadLetterStore {

  private final JobTable table;
  private final JobSender queue;
  private final Clock clock;
  private final TreeMap<Long, DeadLetter> entries = new TreeMap<>();
  private long nextSeq = 1;

  public InMemoryDeadLetters(JobTable table, JobSender queue, Clock clock) {
    this.table = Objects.requireNonNull(table, "table");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Sets a message aside as the queue does on its last failed delivery. */
  public synchronized DeadLetter add(JobMessage message, int receiveCount, String reason) {
    DeadLetter dead = new DeadLetter(message, receiveCount, reason, clock.instant());
    entries.put(nextSeq++, dead);
    return dead;
  }

  @Override
  public synchronized long depth() {
    return entries.size();
  }

  @Override
  public synchronized Page<DeadLetter> list(int limit, Optional<String> cursor) {
    long after;
    try {
      after = cursor.map(Long::parseLong).orElse(0L);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("next is not a valid page token");
    }
    List<DeadLetter> items = new ArrayList<>();
    Long last = null;
    for (Map.Entry<Long, DeadLetter> e : entries.tailMap(after, false).entrySet()) {
      if (items.size() == limit) {
        return new Page<>(items, Optional.of(Long.toString(last)));
      }
      items.add(e.getValue());
      last = e.getKey();
    }
    return new Page<>(items, Optional.empty());
  }

  @Override
  public synchronized Optional<DeadLetter> find(JobId job) {
    return entries.descendingMap().values().stream().filter(d -> d.jobId().equals(job)).findFirst();
  }

  @Override
  public synchronized Set<JobId> redrive(List<Job> next) {
    Set<JobId> done = new HashSet<>();
    for (Job job : next) {
      Optional<DeadLetter> dead = find(job.id());
      if (dead.isPresent() && table.update(job)) {
        queue.send(dead.get().message());
        purge(job.id());
        done.add(job.id());
      }
    }
    return done;
  }

  @Override
  public synchronized int purge(JobId job) {
    int before = entries.size();
    entries.values().removeIf(d -> d.jobId().equals(job));
    return before - entries.size();
  }

  @Override
  public synchronized int purgeOldest(int max) {
    int removed = 0;
    while (removed < max && !entries.isEmpty()) {
      entries.pollFirstEntry();
      removed++;
    }
    return removed;
  }
}
