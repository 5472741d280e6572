package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.contract.JobInboxContract;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The inbox contract against ElasticMQ, and what only the SQS adapter does. ElasticMQ keeps real
 * time, so {@link #letTimePass} sleeps; the tests run concurrently (each on its own queues) to keep
 * the wall time down.
 */
@Execution(ExecutionMode.CONCURRENT)
class SqsJobQueueTest extends JobInboxContract {

  private static AwsClients aws;
  private static SqsClient sqs;

  private String queueUrl;
  private String dlqUrl;

  @BeforeAll
  static void startElasticMq() {
    aws = TestAws.clients().sqsEndpoint(LocalSqs.shared().endpoint()).build();
    sqs = aws.sqs();
  }

  @AfterAll
  static void closeClients() {
    aws.close();
  }

  @Override
  protected JobQueue createQueue(MutableClock clock) {
    queueUrl = LocalSqs.shared().createQueue(sqs, "jobs");
    dlqUrl = LocalSqs.shared().createQueue(sqs, "jobs-dlq");
    return new SqsJobQueue(sqs, queueUrl, dlqUrl);
  }

  @Override
  protected void letTimePass(Duration d) {
    LocalSqs.sleep(d);
  }

  @Test
  void message_carries_the_body_verbatim_and_owner_and_job_id_attributes() {
    JobMessage sent = message(new Owner("alice"), "{ \"city\" : \"Zürich\" }\n");
    queue.send(sent);

    Message raw = rawReceive(queueUrl).get(0);

    assertThat(raw.body()).isEqualTo("{ \"city\" : \"Zürich\" }\n");
    assertThat(raw.messageAttributes().get("owner").stringValue()).isEqualTo("alice");
    assertThat(raw.messageAttributes().get("jobId").stringValue())
        .isEqualTo(sent.jobId().toString());
  }

  @Test
  void message_sent_without_a_job_id_attribute_uses_the_sqs_message_id_as_job_id()
      throws Exception {
    // what API Gateway's direct SendMessage integration sends: body + owner attribute only
    String messageId =
        sqs.sendMessage(
                b ->
                    b.queueUrl(queueUrl)
                        .messageBody("{\"n\":1}")
                        .messageAttributes(Map.of("owner", text("carol"))))
            .messageId();

    Delivery d = receiveNow(1, LONG_LEASE).get(0);

    assertThat(d.message().jobId().toString()).isEqualTo(messageId.toLowerCase());
    assertThat(d.message().owner()).isEqualTo(new Owner("carol"));
    assertThat(new String(d.message().body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
  }

  @Test
  void message_without_an_owner_goes_to_the_dead_letter_queue_instead_of_a_worker()
      throws Exception {
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"orphan\":true}"));
    JobMessage good = message("{}");
    queue.send(good);

    List<Delivery> got = receiveNow(10, LONG_LEASE);

    assertThat(ids(got)).containsExactly(good.jobId());
    List<Message> dead = rawReceive(dlqUrl);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).body()).isEqualTo("{\"orphan\":true}");
    assertThat(dead.get(0).messageAttributes().get("error").stringValue()).contains("owner");
  }

  @Test
  void dead_lettered_copy_keeps_body_owner_job_id_and_the_reason() throws Exception {
    JobMessage sent = message(new Owner("dora"), "{\"poison\":1}");
    queue.send(sent);
    Delivery d = receiveNow(1, LONG_LEASE).get(0);

    queue.settle(d, new Decision.DeadLetter("java.lang.IllegalStateException: boom"));

    Message dead = rawReceive(dlqUrl).get(0);
    assertThat(dead.body()).isEqualTo("{\"poison\":1}");
    assertThat(dead.messageAttributes().get("owner").stringValue()).isEqualTo("dora");
    assertThat(dead.messageAttributes().get("jobId").stringValue())
        .isEqualTo(sent.jobId().toString());
    assertThat(dead.messageAttributes().get("error").stringValue())
        .isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(dead.messageAttributes().get("receiveCount").stringValue()).isEqualTo("1");
    assertThat(queue.depth()).isZero();
  }

  @Test
  void receive_asks_sqs_for_at_most_ten_messages() throws Exception {
    for (int i = 0; i < 12; i++) {
      queue.send(message("{}"));
    }

    assertThat(receiveNow(50, LONG_LEASE)).hasSize(10);
  }

  @Test
  void body_that_is_not_utf8_is_refused_before_sending() {
    JobMessage bad =
        new JobMessage(
            dev.qbi.core.job.JobId.random(),
            new Owner("x"),
            new byte[] {(byte) 0xC3, (byte) 0x28},
            clock.instant());

    assertThatThrownBy(() -> queue.send(bad)).isInstanceOf(IllegalArgumentException.class);
    assertThat(queue.depth()).isZero();
  }

  @Test
  void a_missing_queue_is_a_storage_error() {
    JobQueue missing =
        new SqsJobQueue(sqs, queueUrl.replaceAll("[^/]+$", "no-such-" + UUID.randomUUID()), dlqUrl);

    assertThatThrownBy(() -> missing.send(message("{}")))
        .isInstanceOf(dev.qbi.core.error.StorageException.class);
    assertThatThrownBy(missing::depth).isInstanceOf(dev.qbi.core.error.StorageException.class);
  }

  private static List<Message> rawReceive(String url) {
    return sqs.receiveMessage(
            b ->
                b.queueUrl(url)
                    .maxNumberOfMessages(10)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
        .messages();
  }

  private static MessageAttributeValue text(String v) {
    return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
  }
}
