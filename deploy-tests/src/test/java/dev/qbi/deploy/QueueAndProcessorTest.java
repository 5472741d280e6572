package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The queue, its dead-letter queue and the processor's SQS event source (docs/architecture.md). */
class QueueAndProcessorTest {

  private final SamTemplate template = Repo.template();

  private Map<String, Object> sqsEvent() {
    Map<String, Object> events = Cfn.mapAt(template.properties("JobProcessorFunction"), "Events");
    List<Map<String, Object>> sqs =
        events.values().stream().map(Cfn::map).filter(e -> "SQS".equals(e.get("Type"))).toList();
    assertThat(sqs).as("SQS event sources of the processor").hasSize(1);
    return Cfn.mapAt(sqs.get(0), "Properties");
  }

  @Test
  void processor_consumes_the_job_queue_in_batches_of_10_with_partial_batch_responses() {
    Map<String, Object> event = sqsEvent();
    assertThat(event.get("Queue"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("JobRequestQueue", "Arn")));
    assertThat(Cfn.integer(event.get("BatchSize"))).isEqualTo(10);
    assertThat(event.get("FunctionResponseTypes")).isEqualTo(List.of("ReportBatchItemFailures"));
  }

  @Test
  void only_the_processor_consumes_the_queue() {
    for (String function : template.functionIds()) {
      if (!function.equals("JobProcessorFunction")) {
        assertThat(template.properties(function).get("Events")).as(function).isNull();
      }
    }
  }

  @Test
  void queue_visibility_timeout_is_at_least_six_times_the_processor_timeout() {
    int visibility = Cfn.integer(template.properties("JobRequestQueue").get("VisibilityTimeout"));
    int timeout = Cfn.integer(template.functionSetting("JobProcessorFunction", "Timeout"));
    assertThat(visibility).isGreaterThanOrEqualTo(6 * timeout);
  }

  @Test
  void requests_go_to_the_dead_letter_queue_after_max_receive_count_deliveries() {
    Map<String, Object> redrive =
        Cfn.map(template.properties("JobRequestQueue").get("RedrivePolicy"));
    assertThat(redrive.get("deadLetterTargetArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("JobRequestDeadLetterQueue", "Arn")));
    assertThat(template.type("JobRequestDeadLetterQueue")).isEqualTo("AWS::SQS::Queue");

    int app =
        Cfn.integer(template.functionVariables("JobProcessorFunction").get("MAX_RECEIVE_COUNT"));
    int queue = Cfn.integer(redrive.get("maxReceiveCount"));
    assertThat(app).as("the processor's MAX_RECEIVE_COUNT").isEqualTo(3);
    // the app fails the job and moves the message itself on its last delivery; SQS's own redrive
    // comes later, so receives that never ran the job (a deadline hand-back, a throttled
    // invocation) cannot dead-letter a job the app has not failed. AWS advises at least 5.
    assertThat(queue)
        .as("RedrivePolicy maxReceiveCount, above the processor's MAX_RECEIVE_COUNT")
        .isEqualTo(5)
        .isGreaterThanOrEqualTo(app + 2);
  }

  @Test
  void processor_knows_both_queues_and_the_table() {
    Map<String, Object> variables = template.functionVariables("JobProcessorFunction");
    assertThat(variables.get("JOB_QUEUE_URL")).isEqualTo(Map.of("Ref", "JobRequestQueue"));
    assertThat(variables.get("JOB_DLQ_URL")).isEqualTo(Map.of("Ref", "JobRequestDeadLetterQueue"));
    assertThat(variables.get("JOB_TABLE_NAME")).isEqualTo(Map.of("Ref", "JobTable"));
  }

  @Test
  void dead_letters_are_kept_longer_than_queued_requests() {
    int queue = Cfn.integer(template.properties("JobRequestQueue").get("MessageRetentionPeriod"));
    int dlq =
        Cfn.integer(template.properties("JobRequestDeadLetterQueue").get("MessageRetentionPeriod"));
    assertThat(dlq).isGreaterThan(queue);
  }

  @Test
  void both_queues_are_encrypted_at_rest() {
    for (String queue : List.of("JobRequestQueue", "JobRequestDeadLetterQueue")) {
      assertThat(template.properties(queue).get("SqsManagedSseEnabled")).as(queue).isEqualTo(true);
    }
  }

  @Test
  void queue_accepts_the_documented_256_kib_body_limit() {
    assertThat(Cfn.integer(template.properties("JobRequestQueue").get("MaximumMessageSize")))
        .isEqualTo(256 * 1024);
  }
}
