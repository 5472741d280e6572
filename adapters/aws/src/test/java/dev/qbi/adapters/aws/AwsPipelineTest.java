package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.simulator.WeatherSimulator;
import dev.qbi.core.usecase.InProcessJobExecutor;
import dev.qbi.core.usecase.JobStatusQuery;
import dev.qbi.core.usecase.ProcessJob;
import dev.qbi.core.usecase.ProcessJob.RetryPolicy;
import dev.qbi.core.usecase.SubmitJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The core's use cases on the AWS adapters, against ElasticMQ, dynalite and S3Mock together. */
class AwsPipelineTest {

  private static final Owner ALICE = new Owner("alice-sub");

  private static AwsClients aws;

  private SqsJobQueue queue;
  private DynamoDbJobTable table;
  private S3PayloadStore payloads;

  @BeforeAll
  static void startEmulators() {
    aws = TestAws.emulators();
  }

  @AfterAll
  static void closeClients() {
    aws.close();
  }

  @BeforeEach
  void freshQueueAndTable() {
    queue =
        new SqsJobQueue(
            aws.sqs(),
            LocalSqs.shared().createQueue(aws.sqs(), "p"),
            LocalSqs.shared().createQueue(aws.sqs(), "p-dlq"));
    String tableName = "jobs-" + UUID.randomUUID();
    DynamoDbJobTable.createTable(aws.dynamoDb(), tableName);
    table = new DynamoDbJobTable(aws.dynamoDb(), tableName);
    payloads = new S3PayloadStore(aws.s3(), aws.s3Presigner(), LocalS3.BUCKET);
  }

  private ProcessJob processor(JobHandler handler, int maxReceiveCount) {
    return new ProcessJob(
        table,
        new InProcessJobExecutor(handler, payloads),
        Clock.systemUTC(),
        new RetryPolicy(maxReceiveCount, Duration.ZERO, Duration.ZERO));
  }

  /** Processes a delivery and settles the decision on the SQS queue, as a worker does. */
  private Decision run(ProcessJob processor, Delivery d) {
    Decision decision = processor.process(d);
    queue.settle(d, decision);
    return decision;
  }

  @Test
  void submitted_job_is_processed_to_complete_and_its_output_downloads() throws Exception {
    SubmitJob submit = new SubmitJob(new SqsJobIntake(queue), Clock.systemUTC(), 256 * 1024);
    SubmitJob.Receipt receipt = submit.submit(ALICE, utf8("{\"city\":\"Oslo\"}"));
    assertThat(table.find(receipt.messageId())).as("the row is the processor's job").isEmpty();

    Delivery d = queue.receive(10, Duration.ofMinutes(1), Duration.ZERO).get(0);
    Decision outcome = run(processor(new WeatherSimulator(5), 3), d);

    assertThat(outcome).isInstanceOf(Decision.Completed.class);
    Job job = table.find(receipt.messageId()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job.owner()).isEqualTo(ALICE);
    assertThat(job.payloadMd5()).isEqualTo(receipt.md5OfMessageBody());
    assertThat(queue.depth()).isZero();

    URI link =
        new JobStatusQuery(table, payloads, Duration.ofHours(1))
            .status(ALICE, receipt.messageId())
            .downloadLink()
            .orElseThrow();
    HttpResponse<String> got;
    try (HttpClient http = HttpClient.newHttpClient()) {
      got = http.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofString());
    }
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(job.outputKey()).isEqualTo(InProcessJobExecutor.outputKey(job.id()));
    assertThat(got.body())
        .isEqualTo(new String(payloads.get(job.outputKey()).orElseThrow(), StandardCharsets.UTF_8))
        .contains("\"weatherData\"");
  }

  @Test
  void redelivery_of_a_completed_job_does_not_run_the_handler_again() throws Exception {
    queue.send(
        new dev.qbi.core.job.JobMessage(
            dev.qbi.core.job.JobId.random(), ALICE, utf8("{}"), java.time.Instant.now()));
    Delivery first = queue.receive(1, Duration.ofSeconds(1), Duration.ZERO).get(0);
    int[] runs = {0};
    JobHandler counting =
        new JobHandler() {
          @Override
          public String name() {
            return "counting";
          }

          @Override
          public Output handle(Request request) {
            runs[0]++;
            return new Output(utf8("{}"), "application/json");
          }
        };
    ProcessJob processor = processor(counting, 3);
    // the first delivery completes the job, but its acknowledgement "gets lost"
    table.insertIfAbsent(
        Job.submitted(first.message().jobId(), ALICE, "m", java.time.Instant.now()));
    assertThat(processor.process(first)).isInstanceOf(Decision.Completed.class);
    Delivery again = new Delivery(first.message(), first.receipt(), first.receiveCount() + 1);

    assertThat(processor.process(again)).isEqualTo(new Decision.AlreadyDone(JobStatus.COMPLETE));
    assertThat(runs[0]).isEqualTo(1);
  }

  @Test
  void last_failed_attempt_marks_the_job_failed_and_dead_letters_the_message() throws Exception {
    new SubmitJob(new SqsJobIntake(queue), Clock.systemUTC(), 1024)
        .submit(ALICE, utf8("{\"poison\":true}"));
    JobHandler broken =
        new JobHandler() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public Output handle(Request request) {
            throw new IllegalStateException("simulated failure");
          }
        };
    Delivery d = queue.receive(1, Duration.ofMinutes(1), Duration.ZERO).get(0);

    assertThat(run(processor(broken, 1), d))
        .isEqualTo(new Decision.DeadLetter("java.lang.IllegalStateException: simulated failure"));

    Job job = table.find(d.message().jobId()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.error()).isEqualTo("java.lang.IllegalStateException: simulated failure");
    assertThat(queue.depth()).isZero();
    List<Message> dead =
        aws.sqs()
            .receiveMessage(
                b -> b.queueUrl(queue.deadLetterQueueUrl()).messageAttributeNames("All"))
            .messages();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).messageAttributes().get("jobId").stringValue())
        .isEqualTo(d.message().jobId().toString());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
