package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.S3PayloadStore;
import dev.qbi.adapters.aws.SqsJobQueue;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.usecase.CancelJob;
import dev.qbi.core.usecase.InProcessJobExecutor;
import dev.qbi.core.usecase.ProcessJob;
import dev.qbi.runtime.lambda.testing.Repo;
import dev.qbi.runtime.lambda.testing.TestAws;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The job processor against dynalite (job table), ElasticMQ (queue and DLQ) and S3Mock (outputs);
 * the simulator function is invoked in process ({@link InProcessSimulator}).
 */
class JobProcessorHandlerTest {

  private static final String OWNER = "7c3e6d1a-2b4f-4e8a-9d10-5f6a7b8c9d0e";

  /** A 30 s simulator and a 5 s margin: a message starts only with 40 s or more left. */
  private static final ProcessorDeadline DEADLINE =
      new ProcessorDeadline(Duration.ofSeconds(30), Duration.ofSeconds(5));

  private final AwsClients aws = TestAws.emulators();
  private final RecordingMetrics metrics = new RecordingMetrics();
  private DynamoDbJobTable table;
  private S3PayloadStore payloads;
  private String queueUrl;
  private String dlqUrl;
  private InProcessSimulator simulator;
  private JobProcessorHandler handler;

  @BeforeEach
  void setUp() {
    table = new DynamoDbJobTable(aws.dynamoDb(), TestAws.newJobTable());
    payloads = new S3PayloadStore(aws.s3(), aws.s3Presigner(), LocalS3.BUCKET);
    queueUrl = LocalSqs.shared().createQueue(aws.sqs(), "jobs");
    dlqUrl = LocalSqs.shared().createQueue(aws.sqs(), "jobs-dlq");
    simulator = new InProcessSimulator(new BatchSimulatorHandler(payloads, null));
    handler =
        new JobProcessorHandler(
            table,
            new SqsJobQueue(aws.sqs(), queueUrl, dlqUrl),
            simulator,
            Clock.systemUTC(),
            new ProcessJob.RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(60)),
            metrics,
            DEADLINE);
  }

  @Test
  void sample_event_jobs_complete_with_their_outputs_in_s3() throws IOException {
    SQSEvent event = EventLoader.loadSQSEvent(Repo.event("job-processor.json").toString());

    SQSBatchResponse response = handler.handleRequest(event, context());

    assertThat(response.getBatchItemFailures()).isEmpty();
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      JobId id = JobId.parse(message.getMessageId());
      Job job = table.find(id).orElseThrow();
      assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
      assertThat(job.owner().sub()).isEqualTo(OWNER);
      assertThat(job.outputKey()).isEqualTo(InProcessJobExecutor.outputKey(id));
      byte[] output = payloads.get(job.outputKey()).orElseThrow();
      assertThat(new ObjectMapper().readTree(output).path("weatherData").size()).isEqualTo(99);
    }
    assertThat(metrics.completed).isEqualTo(event.getRecords().size());
  }

  @Test
  void one_poison_message_in_a_batch_of_ten_is_the_only_batch_item_failure() {
    List<String> ids = sendJobs(10);
    SQSEvent event = receiveAsLambdaEvent(10);
    SQSEvent.SQSMessage poison = event.getRecords().get(4);
    poison.setMessageAttributes(Map.of()); // no owner: the message cannot become a job

    SQSBatchResponse response = handler.handleRequest(event, context());

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(poison.getMessageId());
    for (String id : ids) {
      if (!id.equals(poison.getMessageId())) {
        assertThat(table.find(JobId.parse(id)).orElseThrow().status())
            .as(id)
            .isEqualTo(JobStatus.COMPLETE);
      }
    }
    assertThat(table.find(JobId.parse(poison.getMessageId()))).isEmpty();
    assertThat(metrics.completed).isEqualTo(9);
    assertThat(metrics.errored).isEqualTo(1);
  }

  @Test
  void redelivery_of_a_completed_job_does_not_run_the_simulator_again() {
    sendJobs(1);
    SQSEvent first = receiveAsLambdaEvent(1);
    handler.handleRequest(first, context());
    assertThat(simulator.invocations()).isEqualTo(1);
    SQSEvent.SQSMessage again = first.getRecords().get(0);
    again.setAttributes(withReceiveCount(again.getAttributes(), 2));

    SQSBatchResponse response = handler.handleRequest(first, context());

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(simulator.invocations()).isEqualTo(1);
    assertThat(table.find(JobId.parse(again.getMessageId())).orElseThrow().status())
        .isEqualTo(JobStatus.COMPLETE);
    assertThat(metrics.duplicates).isEqualTo(1);
  }

  @Test
  void failed_attempt_before_the_last_is_retried_through_batch_item_failures() {
    String id = sendJobs(1).get(0);
    simulator.failAlways(JobId.parse(id));

    SQSBatchResponse response = handler.handleRequest(receiveAsLambdaEvent(1), context());

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(id);
    Job job = table.find(JobId.parse(id)).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(job.error()).contains("simulator exploded");
    assertThat(metrics.retried).isEqualTo(1);
  }

  @Test
  void last_attempt_marks_the_job_failed_and_moves_the_message_to_the_dlq() {
    String id = sendJobs(1).get(0);
    simulator.failAlways(JobId.parse(id));
    SQSEvent event = receiveAsLambdaEvent(1);
    SQSEvent.SQSMessage message = event.getRecords().get(0);
    message.setAttributes(withReceiveCount(message.getAttributes(), 3));

    SQSBatchResponse response = handler.handleRequest(event, context());

    assertThat(response.getBatchItemFailures()).isEmpty();
    Job job = table.find(JobId.parse(id)).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.error()).contains("simulator exploded");
    List<Message> dead =
        aws.sqs()
            .receiveMessage(
                b -> b.queueUrl(dlqUrl).maxNumberOfMessages(10).messageAttributeNames("All"))
            .messages();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).messageAttributes().get("jobId").stringValue()).isEqualTo(id);
    assertThat(dead.get(0).messageAttributes().get("error").stringValue())
        .contains("simulator exploded");
    assertThat(metrics.failed).isEqualTo(1);
  }

  @Test
  void a_job_cancelled_before_its_message_is_processed_never_runs() {
    String id = sendJobs(1).get(0);
    JobId jobId = JobId.parse(id);
    table.insertIfAbsent(Job.submitted(jobId, new Owner(OWNER), "md5", Instant.now()));
    new CancelJob(table, Clock.systemUTC()).cancel(new Owner(OWNER), jobId);

    SQSBatchResponse response = handler.handleRequest(receiveAsLambdaEvent(1), context());

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(simulator.invocations()).isZero();
    assertThat(table.find(jobId).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void a_dead_letter_moved_back_runs_its_failed_job_again_as_a_new_series_of_attempts() {
    String id = sendJobs(1).get(0);
    JobId jobId = JobId.parse(id);
    simulator.failAlways(jobId);
    SQSEvent event = receiveAsLambdaEvent(1);
    SQSEvent.SQSMessage message = event.getRecords().get(0);
    for (int count = 1; count <= 3; count++) {
      message.setAttributes(withReceiveCount(message.getAttributes(), count));
      handler.handleRequest(event, context());
    }
    assertThat(table.find(jobId).orElseThrow().status()).isEqualTo(JobStatus.FAILED);

    // the operator fixes the cause and moves the dead letters back (StartMessageMoveTask keeps
    // the body and the attributes; ElasticMQ has no move task, so the test moves the copy)
    simulator.heal(jobId);
    moveDeadLettersBack();
    SQSEvent redriven = receiveAsLambdaEvent(1);
    SQSEvent.SQSMessage moved = redriven.getRecords().get(0);
    assertThat(moved.getMessageAttributes()).containsKey("error");
    // SQS may carry the receive count on from before the move: it must not count
    moved.setAttributes(withReceiveCount(moved.getAttributes(), 9));

    SQSBatchResponse response = handler.handleRequest(redriven, context());

    assertThat(response.getBatchItemFailures()).isEmpty();
    Job job = table.find(jobId).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job.redrivenAt()).isNotNull();
    assertThat(job.errors()).hasSize(3).allMatch(e -> e.contains("simulator exploded"));
    assertThat(job.attempts()).as("first attempt of the redriven series").isEqualTo(1);
    assertThat(payloads.get(job.outputKey())).isPresent();
    assertThat(simulator.invocations()).isEqualTo(4);
  }

  @Test
  void a_redriven_job_that_fails_again_is_retried_from_the_first_attempt_of_its_new_series() {
    String id = sendJobs(1).get(0);
    JobId jobId = JobId.parse(id);
    simulator.failAlways(jobId);
    SQSEvent event = receiveAsLambdaEvent(1);
    SQSEvent.SQSMessage message = event.getRecords().get(0);
    message.setAttributes(withReceiveCount(message.getAttributes(), 3));
    handler.handleRequest(event, context());
    moveDeadLettersBack();
    SQSEvent redriven = receiveAsLambdaEvent(1);
    redriven
        .getRecords()
        .get(0)
        .setAttributes(withReceiveCount(redriven.getRecords().get(0).getAttributes(), 9));

    SQSBatchResponse response = handler.handleRequest(redriven, context());

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(redriven.getRecords().get(0).getMessageId());
    Job job = table.find(jobId).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(job.attempts()).isEqualTo(1);
    assertThat(job.errors()).hasSize(2);
    assertThat(metrics.retried).isEqualTo(1);
  }

  @Test
  void messages_that_would_outlast_the_invocation_are_not_started_and_handed_back() {
    sendJobs(6);
    SQSEvent event = receiveAsLambdaEvent(6);
    // 100 s left; each job takes 25 s: jobs start with 100, 75 and 50 s left, not with 25
    AtomicInteger remaining = new AtomicInteger(100_000);
    JobProcessorHandler slow =
        new JobProcessorHandler(
            table,
            new SqsJobQueue(aws.sqs(), queueUrl, dlqUrl),
            request -> {
              remaining.addAndGet(-25_000);
              return simulator.execute(request);
            },
            Clock.systemUTC(),
            new ProcessJob.RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(60)),
            metrics,
            DEADLINE);

    SQSBatchResponse response =
        slow.handleRequest(event, new TestContext("job-processor", remaining::get));

    List<String> started =
        event.getRecords().subList(0, 3).stream().map(SQSEvent.SQSMessage::getMessageId).toList();
    List<String> unstarted =
        event.getRecords().subList(3, 6).stream().map(SQSEvent.SQSMessage::getMessageId).toList();
    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactlyElementsOf(unstarted);
    for (String id : started) {
      assertThat(table.find(JobId.parse(id)).orElseThrow().status())
          .as(id)
          .isEqualTo(JobStatus.COMPLETE);
    }
    for (String id : unstarted) {
      // the intake only queued them: no row means never started, still "submitted" to its owner
      assertThat(table.find(JobId.parse(id))).as(id).isEmpty();
    }
    assertThat(simulator.invocations()).isEqualTo(3);
    assertThat(metrics.completed).isEqualTo(3);
    assertThat(metrics.deferred).isEqualTo(3);
    // handed back at once, not after the 30 s visibility timeout: receivable again right away
    assertThat(visibleNow()).containsExactlyInAnyOrderElementsOf(unstarted);
  }

  @Test
  void an_invocation_without_the_time_for_one_job_starts_none() {
    String id = sendJobs(1).get(0);

    SQSBatchResponse response =
        handler.handleRequest(
            receiveAsLambdaEvent(1),
            new TestContext("job-processor", () -> (int) DEADLINE.needed().toMillis() - 1));

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(id);
    assertThat(table.find(JobId.parse(id))).isEmpty();
    assertThat(simulator.invocations()).isZero();
  }

  @Test
  void the_deadline_adds_the_margin_to_the_simulators_timeout_twice() {
    assertThat(DEADLINE.invokeTimeout()).isEqualTo(Duration.ofSeconds(35));
    assertThat(DEADLINE.needed()).isEqualTo(Duration.ofSeconds(40));
    assertThat(DEADLINE.allowsStart(40_000)).isTrue();
    assertThat(DEADLINE.allowsStart(39_999)).isFalse();
  }

  /** Sends jobs as API Gateway's SendMessage integration does (body + owner attribute). */
  private List<String> sendJobs(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      ids.add(
          aws.sqs()
              .sendMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .messageBody("{\"job\":" + k + "}")
                          .messageAttributes(
                              Map.of(
                                  "owner",
                                  MessageAttributeValue.builder()
                                      .dataType("String")
                                      .stringValue(OWNER)
                                      .build())))
              .messageId());
    }
    return ids;
  }

  /** Receives like Lambda's event source and builds the SQS event it would hand the function. */
  private SQSEvent receiveAsLambdaEvent(int n) {
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    while (records.size() < n) {
      List<Message> batch =
          aws.sqs()
              .receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(Math.min(10, n - records.size()))
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages();
      for (Message m : batch) {
        SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
        r.setMessageId(m.messageId());
        r.setReceiptHandle(m.receiptHandle());
        r.setBody(m.body());
        Map<String, String> attributes = new HashMap<>();
        m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
        r.setAttributes(attributes);
        Map<String, SQSEvent.MessageAttribute> custom = new HashMap<>();
        m.messageAttributes()
            .forEach(
                (k, v) -> {
                  SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
                  a.setDataType(v.dataType());
                  a.setStringValue(v.stringValue());
                  custom.put(k, a);
                });
        r.setMessageAttributes(custom);
        r.setEventSource("aws:sqs");
        records.add(r);
      }
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    return event;
  }

  /** What SQS's StartMessageMoveTask does: every dead letter back to the job queue, as it is. */
  private void moveDeadLettersBack() {
    List<Message> dead =
        aws.sqs()
            .receiveMessage(
                b ->
                    b.queueUrl(dlqUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .messageAttributeNames("All"))
            .messages();
    assertThat(dead).isNotEmpty();
    for (Message m : dead) {
      aws.sqs()
          .sendMessage(
              b ->
                  b.queueUrl(queueUrl)
                      .messageBody(m.body())
                      .messageAttributes(m.messageAttributes()));
      aws.sqs().deleteMessage(b -> b.queueUrl(dlqUrl).receiptHandle(m.receiptHandle()));
    }
  }

  /** The ids of the messages of the job queue that can be received within a few seconds. */
  private List<String> visibleNow() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      aws.sqs()
          .receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages()
          .forEach(m -> ids.add(m.messageId()));
    }
    return ids;
  }

  private static Map<String, String> withReceiveCount(Map<String, String> attributes, int n) {
    Map<String, String> copy = new HashMap<>(attributes);
    copy.put("ApproximateReceiveCount", Integer.toString(n));
    return copy;
  }

  private static TestContext context() {
    return new TestContext("job-processor-" + UUID.randomUUID());
  }

  /** Counts what the handler records. */
  static final class RecordingMetrics implements JobMetrics {
    int completed;
    int failed;
    int retried;
    int duplicates;
    int errored;
    int deferred;
    int flushes;

    @Override
    public void record(Decision decision) {
      switch (decision) {
        case null -> errored++;
        case Decision.Completed c -> completed++;
        case Decision.DeadLetter d -> failed++;
        case Decision.RetryAfter r -> retried++;
        case Decision.Contended c -> retried++;
        case Decision.AlreadyDone a -> duplicates++;
        case Decision.Cancelled c -> duplicates++;
      }
    }

    @Override
    public void deferred(int messages) {
      deferred += messages;
    }

    @Override
    public void flush() {
      flushes++;
    }
  }
}
