package dev.qbi.adapters.aws;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.DeadLetterStore;
import dev.qbi.core.port.JobTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@link DeadLetterStore} on the SQS dead-letter queue that {@link SqsJobQueue} moves dead letters
 * to (each copy carries the {@value SqsJobQueue#ERROR_ATTRIBUTE} and {@value
 * SqsJobQueue#RECEIVE_COUNT_ATTRIBUTE} attributes; its {@code SentTimestamp} is when it died).
 *
 * <p><b>How it fits SQS.</b> A queue cannot be read without taking messages, so every operation
 * <em>scans</em>: it receives up to {@value #MAX_SCAN} messages of the dead-letter queue under a
 * short lease ({@value #SCAN_LEASE_SECONDS} s), does its work on them, and hands the rest back at
 * once (visibility 0). Hence: a listing is a snapshot of at most {@value #MAX_SCAN} dead letters,
 * ordered by when they died (the cursor is the last one's time and id); two operators scanning at
 * the same instant may not see each other's leased messages. That is fine for an operator's tool,
 * not for a hot path.
 *
 * <p><b>Redrive</b> is two steps SQS cannot make atomic: the job row becomes {@code next} by a
 * conditional write (nothing else happens when that loses), then the job's latest dead letter is
 * sent to the job queue as a new message (receive count 1) and its dead letters are deleted. Should
 * the process die between the two, the job stays {@code submitted} with its dead letter in place;
 * SQS's own redrive ({@code StartMessageMoveTask}) or a purge settles it.
 */
public final class SqsDeadLetters implements DeadLetterStore {

  private static final Logger LOG = LoggerFactory.getLogger(SqsDeadLetters.class);

  /** The most dead letters one operation looks at. */
  public static final int MAX_SCAN = 2_000;

  /** How long a scan holds the messages it received. */
  public static final int SCAN_LEASE_SECONDS = 10;

  private final SqsClient sqs;
  private final SqsJobQueue queue;
  private final JobTable table;

  /**
   * @param queue the job queue: redriven messages go to it, dead letters are read from its {@link
   *     SqsJobQueue#deadLetterQueueUrl()}
   * @param table where a redrive records the job's new state
   */
  public SqsDeadLetters(SqsClient sqs, SqsJobQueue queue, JobTable table) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.table = Objects.requireNonNull(table, "table");
  }

  /** Messages in the dead-letter queue, visible or not (approximate, as SQS counts). */
  @Override
  public long depth() {
    try {
      Map<String, String> attributes =
          sqs.getQueueAttributes(
                  b ->
                      b.queueUrl(queue.deadLetterQueueUrl())
                          .attributeNames(
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
              .attributesAsStrings();
      long total = 0;
      for (String v : attributes.values()) {
        total += Long.parseLong(v);
      }
      return total;
    } catch (SdkException | NumberFormatException e) {
      throw new StorageException("SQS GetQueueAttributes failed on the dead-letter queue", e);
    }
  }

  @Override
  public Page<DeadLetter> list(int limit, Optional<String> cursor) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    Optional<Key> after = cursor.map(Key::parse);
    try (Scan scan = scan()) {
      List<Held> rest =
          scan.held.stream()
              .filter(h -> after.isEmpty() || h.key().compareTo(after.get()) > 0)
              .toList();
      List<DeadLetter> items = rest.stream().limit(limit).map(Held::deadLetter).toList();
      Optional<String> next =
          rest.size() > limit ? Optional.of(rest.get(limit - 1).key().text()) : Optional.empty();
      return new Page<>(items, next);
    }
  }

  @Override
  public Optional<DeadLetter> find(JobId job) {
    try (Scan scan = scan()) {
      return scan.of(job).stream().map(Held::deadLetter).reduce((first, second) -> second);
    }
  }

  @Override
  public Set<JobId> redrive(List<Job> next) {
    Set<JobId> done = new LinkedHashSet<>();
    try (Scan scan = scan()) {
      for (Job job : next) {
        List<Held> letters = scan.of(job.id());
        if (letters.isEmpty() || !table.update(job)) {
          continue;
        }
        Held latest = letters.getLast();
        queue.send(latest.deadLetter().message());
        letters.forEach(scan::delete);
        done.add(job.id());
        LOG.info("job {} redriven from the dead-letter queue", job.id());
      }
    }
    return done;
  }

  @Override
  public int purge(JobId job) {
    try (Scan scan = scan()) {
      List<Held> letters = scan.of(job);
      letters.forEach(scan::delete);
      return letters.size();
    }
  }

  @Override
  public int purgeOldest(int max) {
    try (Scan scan = scan()) {
      List<Held> oldest = scan.held.stream().limit(Math.max(0, max)).toList();
      oldest.forEach(scan::delete);
      return oldest.size();
    }
  }

  /** Receives the dead-letter queue's messages (up to {@value #MAX_SCAN}), oldest death first. */
  private Scan scan() {
    Scan scan = new Scan();
    Set<String> seen = new HashSet<>();
    try {
      while (scan.held.size() < MAX_SCAN) {
        List<Message> batch =
            sqs.receiveMessage(
                    b ->
                        b.queueUrl(queue.deadLetterQueueUrl())
                            .maxNumberOfMessages(SqsJobQueue.MAX_MESSAGES_PER_RECEIVE)
                            .waitTimeSeconds(0)
                            .visibilityTimeout(SCAN_LEASE_SECONDS)
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP))
                .messages();
        if (batch.isEmpty()) {
          break;
        }
        for (Message m : batch) {
          if (seen.add(m.messageId())) {
            scan.add(m);
          }
        }
      }
    } catch (SdkException e) {
      scan.close();
      throw new StorageException("SQS ReceiveMessage failed on the dead-letter queue", e);
    }
    scan.held.sort(Comparator.comparing(Held::key));
    return scan;
  }

  /** A dead letter under this scan's lease. */
  private record Held(DeadLetter deadLetter, String receiptHandle, String messageId, Key key) {}

  /** The order of dead letters, and the cursor: when it died, then its message id. */
  private record Key(Instant deadAt, String messageId) implements Comparable<Key> {
    static Key parse(String cursor) {
      int colon = cursor.indexOf(':');
      try {
        return new Key(
            Instant.ofEpochMilli(Long.parseLong(cursor.substring(0, colon))),
            cursor.substring(colon + 1));
      } catch (RuntimeException e) {
        throw new InvalidRequestException("not a dead-letter cursor of this server: " + cursor);
      }
    }

    String text() {
      return deadAt.toEpochMilli() + ":" + messageId;
    }

    @Override
    public int compareTo(Key o) {
      int c = deadAt.compareTo(o.deadAt);
      return c != 0 ? c : messageId.compareTo(o.messageId);
    }
  }

  /** The messages one operation holds; closing hands back those it did not delete. */
  private final class Scan implements AutoCloseable {
    final List<Held> held = new ArrayList<>();
    final List<String> unparsed = new ArrayList<>();
    final Set<String> deleted = new HashSet<>();

    void add(Message m) {
      Map<String, String> system = new HashMap<>();
      m.attributes().forEach((k, v) -> system.put(k.toString(), v));
      Map<String, String> custom = new HashMap<>();
      m.messageAttributes().forEach((k, v) -> custom.put(k, v.stringValue()));
      Delivery d;
      try {
        d = SqsMessages.toDelivery(m.messageId(), m.receiptHandle(), m.body(), system, custom);
      } catch (IllegalArgumentException malformed) {
        LOG.warn("dead letter {} is not a job message: {}", m.messageId(), malformed.getMessage());
        unparsed.add(m.receiptHandle());
        return;
      }
      Instant deadAt = d.message().sentAt();
      int count = d.receiveCount();
      String recorded = custom.get(SqsJobQueue.RECEIVE_COUNT_ATTRIBUTE);
      if (recorded != null) {
        count = (int) SqsMessages.parseNumber(recorded, "receive count");
      }
      JobMessage message = d.message();
      held.add(
          new Held(
              new DeadLetter(message, count, custom.get(SqsJobQueue.ERROR_ATTRIBUTE), deadAt),
              m.receiptHandle(),
              m.messageId(),
              new Key(deadAt, m.messageId())));
    }

    List<Held> of(JobId job) {
      return held.stream().filter(h -> h.deadLetter().jobId().equals(job)).toList();
    }

    void delete(Held h) {
      try {
        sqs.deleteMessage(
            b -> b.queueUrl(queue.deadLetterQueueUrl()).receiptHandle(h.receiptHandle()));
        deleted.add(h.receiptHandle());
      } catch (SdkException e) {
        throw new StorageException("SQS DeleteMessage failed on the dead-letter queue", e);
      }
    }

    /** Hands back (visibility 0) every message received and not deleted; best effort. */
    @Override
    public void close() {
      List<String> receipts = new ArrayList<>(unparsed);
      held.stream()
          .map(Held::receiptHandle)
          .filter(r -> !deleted.contains(r))
          .forEach(receipts::add);
      for (int from = 0; from < receipts.size(); from += 10) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < Math.min(receipts.size(), from + 10); i++) {
          entries.add(
              ChangeMessageVisibilityBatchRequestEntry.builder()
                  .id(Integer.toString(i))
                  .receiptHandle(receipts.get(i))
                  .visibilityTimeout(0)
                  .build());
        }
        try {
          sqs.changeMessageVisibilityBatch(
              b -> b.queueUrl(queue.deadLetterQueueUrl()).entries(entries));
        } catch (SdkException e) {
          LOG.warn(
              "dead letters not handed back early ({}); visible again in {} s",
              e.toString(),
              SCAN_LEASE_SECONDS);
        }
      }
    }
  }
}
