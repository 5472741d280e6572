package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SqsDeadLetters} on ElasticMQ and dynalite: the dead-letter store on an SQS queue. */
class SqsDeadLettersTest {
  private static final Owner OWNER = new Owner("owner-1");
  private static AwsClients aws;

  private SqsJobQueue queue;
  private DynamoDbJobTable table;
  private SqsDeadLetters deadLetters;

  @BeforeAll
  static void emulators() {
    aws = TestAws.emulators();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @BeforeEach
  void fresh() {
    queue =
        new SqsJobQueue(
            aws.sqs(),
            LocalSqs.shared().createQueue(aws.sqs(), "dl"),
            LocalSqs.shared().createQueue(aws.sqs(), "dl-dlq"));
    String name = "dl-" + UUID.randomUUID();
    DynamoDbJobTable.createTable(aws.dynamoDb(), name);
    table = new DynamoDbJobTable(aws.dynamoDb(), name);
    deadLetters = new SqsDeadLetters(aws.sqs(), queue, table);
  }

  /** A failed job whose message the queue dead-lettered with {@code reason}. */
  private JobId failedJob(String reason) throws InterruptedException {
    JobId id = JobId.random();
    Instant now = Instant.now();
    Job job = Job.submitted(id, OWNER, "md5", now);
    table.insertIfAbsent(job);
    Job processing = job.next(JobStatus.PROCESSING, now, 1, null, null);
    table.update(processing);
    table.update(processing.next(JobStatus.FAILED, now, 1, null, reason));
    queue.send(new JobMessage(id, OWNER, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), now));
    Delivery d = receiveOne();
    assertThat(queue.settle(d, new Decision.DeadLetter(reason))).isTrue();
    return id;
  }

  private Delivery receiveOne() throws InterruptedException {
    for (int i = 0; i < 10; i++) {
      List<Delivery> got = queue.receive(1, Duration.ofSeconds(30), Duration.ofSeconds(1));
      if (!got.isEmpty()) {
        return got.getFirst();
      }
    }
    throw new AssertionError("no message");
  }

  @Test
  void lists_oldest_first_in_pages_finds_and_purges() throws Exception {
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(failedJob("boom " + i));
      Thread.sleep(5); // distinct send times
    }
    assertThat(deadLetters.depth()).isEqualTo(3);

    Page<DeadLetter> first = deadLetters.list(2, Optional.empty());
    assertThat(first.items()).extracting(DeadLetter::jobId).containsExactly(ids.get(0), ids.get(1));
    assertThat(first.items().getFirst().reason()).isEqualTo("boom 0");
    assertThat(first.items().getFirst().receiveCount()).isEqualTo(1);
    Page<DeadLetter> second = deadLetters.list(2, first.next());
    assertThat(second.items()).extracting(DeadLetter::jobId).containsExactly(ids.get(2));
    assertThat(second.next()).isEmpty();
    assertThatThrownBy(() -> deadLetters.list(2, Optional.of("nonsense")))
        .isInstanceOf(InvalidRequestException.class);

    assertThat(deadLetters.find(ids.get(1))).map(DeadLetter::reason).contains("boom 1");
    assertThat(deadLetters.purge(ids.get(1))).isEqualTo(1);
    assertThat(deadLetters.find(ids.get(1))).isEmpty();
    assertThat(deadLetters.purgeOldest(1)).isEqualTo(1);
    assertThat(deadLetters.list(10, Optional.empty()).items())
        .extracting(DeadLetter::jobId)
        .containsExactly(ids.get(2));
    // listing handed the messages back: they are still there for the next call
    assertThat(deadLetters.depth()).isEqualTo(1);
  }

  @Test
  void redrive_updates_the_row_requeues_the_message_and_skips_a_stale_version() throws Exception {
    JobId redriven = failedJob("down");
    JobId stale = failedJob("down too");
    Job next = table.find(redriven).orElseThrow().redriven(Instant.now());
    Job staleNext = table.find(stale).orElseThrow().redriven(Instant.now());
    table.update(table.find(stale).orElseThrow().redriven(Instant.now())); // someone was first

    assertThat(deadLetters.redrive(List.of(next, staleNext))).containsExactly(redriven);

    assertThat(table.find(redriven).orElseThrow().status()).isEqualTo(JobStatus.SUBMITTED);
    assertThat(deadLetters.find(redriven)).isEmpty();
    assertThat(deadLetters.find(stale)).isPresent();
    Delivery back = receiveOne();
    assertThat(back.message().jobId()).isEqualTo(redriven);
    assertThat(back.receiveCount()).isEqualTo(1);
  }
}
