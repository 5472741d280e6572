package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Alarms, the encrypted alarm topic and the dashboard. The original template's alarms are not in
 * this repository; from its README (error and throttle alarms, API errors, an SNS topic with a KMS
 * key, a dashboard) and the deployment rules of docs/architecture.md the counterparts are: Errors
 * and Throttles of every function, the HTTP API's 5xx and 4xx, DynamoDB throttling of the job
 * table, plus the new ones on the dead-letter queue depth and the age of the oldest queued request.
 */
class AlarmsTest {

  private final SamTemplate template = Repo.template();

  private List<Map<String, Object>> alarms() {
    return template.idsOfType("AWS::CloudWatch::Alarm").stream().map(template::properties).toList();
  }

  /** Alarms on a metric whose dimension {@code name} refers to {@code target}. */
  private List<Map<String, Object>> alarmsOn(
      String namespace, String metric, String dimension, Object target) {
    return alarms().stream()
        .filter(a -> namespace.equals(a.get("Namespace")) && metric.equals(a.get("MetricName")))
        .filter(
            a ->
                Cfn.list(a.get("Dimensions")).stream()
                    .map(Cfn::map)
                    .anyMatch(
                        d -> dimension.equals(d.get("Name")) && target.equals(d.get("Value"))))
        .toList();
  }

  private static void assertFiresOnFirstOccurrence(Map<String, Object> alarm) {
    assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanOrEqualToThreshold");
    assertThat(Cfn.integer(alarm.get("Threshold"))).isEqualTo(1);
    assertThat(alarm.get("Statistic")).isEqualTo("Sum");
  }

  @Test
  void every_function_has_an_errors_alarm_and_a_throttles_alarm() {
    for (String function : template.functionIds()) {
      List<String> metrics =
          function.equals("AuthorizerFunction")
              ? List.of("Throttles")
              : List.of("Errors", "Throttles");
      for (String metric : metrics) {
        List<Map<String, Object>> found =
            alarmsOn("AWS/Lambda", metric, "FunctionName", Map.of("Ref", function));
        assertThat(found).as(metric + " alarm of " + function).hasSize(1);
        assertFiresOnFirstOccurrence(found.get(0));
      }
    }
  }

  @Test
  void the_authorizer_alarms_on_its_faults_not_on_lambda_errors_which_count_rejected_tokens() {
    // a rejected token is an error to Lambda ("Unauthorized" is thrown, API Gateway answers 401)
    assertThat(
            alarmsOn("AWS/Lambda", "Errors", "FunctionName", Map.of("Ref", "AuthorizerFunction")))
        .isEmpty();
    Map<String, Object> variables = template.functionVariables("AuthorizerFunction");
    Object namespace = variables.get("POWERTOOLS_METRICS_NAMESPACE");
    Object service = variables.get("POWERTOOLS_SERVICE_NAME");
    assertThat(namespace).isNotNull();
    // Powertools publishes with the dimension Service = POWERTOOLS_SERVICE_NAME
    List<Map<String, Object>> found =
        alarmsOn((String) namespace, "AuthorizerFaults", "Service", service);
    assertThat(found).hasSize(1);
    assertFiresOnFirstOccurrence(found.get(0));
    assertThat(Cfn.list(found.get(0).get("Dimensions"))).hasSize(1);
    assertThat(
            Repo.text("runtimes/lambda/src/main/java/dev/qbi/runtime/lambda/AuthorizerFaults.java"))
        .contains("\"AuthorizerFaults\"");
  }

  @Test
  void api_server_errors_raise_an_alarm_at_the_first_one() {
    List<Map<String, Object>> found =
        alarmsOn("AWS/ApiGateway", "5xx", "ApiId", Map.of("Ref", "JobRequestApi"));
    assertThat(found).hasSize(1);
    assertFiresOnFirstOccurrence(found.get(0));
  }

  @Test
  void a_burst_of_api_client_errors_raises_an_alarm() {
    List<Map<String, Object>> found =
        alarmsOn("AWS/ApiGateway", "4xx", "ApiId", Map.of("Ref", "JobRequestApi"));
    assertThat(found).hasSize(1);
    assertThat(Cfn.integer(found.get(0).get("Threshold"))).isGreaterThan(1);
  }

  @Test
  void job_table_throttling_raises_an_alarm() {
    for (String metric : List.of("ReadThrottleEvents", "WriteThrottleEvents")) {
      List<Map<String, Object>> found =
          alarmsOn("AWS/DynamoDB", metric, "TableName", Map.of("Ref", "JobTable"));
      assertThat(found).as(metric).hasSize(1);
      assertFiresOnFirstOccurrence(found.get(0));
    }
  }

  @Test
  void any_message_in_the_dead_letter_queue_raises_an_alarm() {
    List<Map<String, Object>> found =
        alarmsOn(
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            Map.of("Fn::GetAtt", List.of("JobRequestDeadLetterQueue", "QueueName")));
    assertThat(found).hasSize(1);
    Map<String, Object> alarm = found.get(0);
    assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
    assertThat(Cfn.integer(alarm.get("Threshold"))).isZero();
    assertThat(alarm.get("Statistic")).isEqualTo("Maximum");
  }

  @Test
  void an_old_waiting_job_request_raises_an_alarm() {
    List<Map<String, Object>> found =
        alarmsOn(
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            "QueueName",
            Map.of("Fn::GetAtt", List.of("JobRequestQueue", "QueueName")));
    assertThat(found).hasSize(1);
    assertThat(found.get(0).get("Threshold")).isEqualTo(Map.of("Ref", "QueueAgeAlarmSeconds"));
    assertThat(found.get(0).get("Statistic")).isEqualTo("Maximum");
  }

  @Test
  void every_alarm_notifies_the_alarm_topic_and_ignores_missing_data() {
    // Errors and Throttles of every function (the authorizer: faults instead of Errors), plus 6
    assertThat(alarms()).hasSize(2 * template.functionIds().size() + 6);
    for (Map<String, Object> alarm : alarms()) {
      assertThat(alarm.get("AlarmActions")).isEqualTo(List.of(Map.of("Ref", "AlarmTopic")));
      assertThat(alarm.get("TreatMissingData")).isEqualTo("notBreaching");
      assertThat((String) alarm.get("AlarmDescription")).isNotBlank();
    }
  }

  @Test
  void alarm_topic_is_encrypted_with_a_rotating_key_that_cloudwatch_may_use() {
    assertThat(template.properties("AlarmTopic").get("KmsMasterKeyId"))
        .isEqualTo(Map.of("Ref", "AlarmTopicKey"));
    Map<String, Object> key = template.properties("AlarmTopicKey");
    assertThat(key.get("EnableKeyRotation")).isEqualTo(true);
    List<Map<String, Object>> forCloudWatch =
        Cfn.list(Cfn.at(key, "KeyPolicy", "Statement")).stream()
            .map(Cfn::map)
            .filter(s -> "cloudwatch.amazonaws.com".equals(Cfn.at(s, "Principal", "Service")))
            .toList();
    assertThat(forCloudWatch).hasSize(1);
    assertThat(forCloudWatch.get(0).get("Effect")).isEqualTo("Allow");
    assertThat(Cfn.listOrSingle(forCloudWatch.get(0).get("Action")))
        .containsExactlyInAnyOrder("kms:Decrypt", "kms:GenerateDataKey*");
    // only for this account's alarms
    assertThat(Cfn.at(forCloudWatch.get(0), "Condition", "StringEquals", "aws:SourceAccount"))
        .isEqualTo(Map.of("Ref", "AWS::AccountId"));
  }

  @Test
  void the_alarm_email_subscription_exists_only_when_an_address_is_given() {
    List<String> subscriptions = template.idsOfType("AWS::SNS::Subscription");
    assertThat(subscriptions).hasSize(1);
    Map<String, Object> subscription = template.resource(subscriptions.get(0));
    assertThat(subscription.get("Condition")).isEqualTo("HasAlarmEmail");
    assertThat(Cfn.at(subscription, "Properties", "Endpoint"))
        .isEqualTo(Map.of("Ref", "AlarmEmail"));
    assertThat(Cfn.at(template.root(), "Parameters", "AlarmEmail", "Default")).isEqualTo("");
  }

  @Test
  void dashboard_body_is_valid_json_with_a_widget_for_every_function() throws Exception {
    Object body = template.properties("ApplicationDashboard").get("DashboardBody");
    Object sub = Cfn.map(body).get("Fn::Sub");
    String text = sub instanceof List<?> form ? (String) form.get(0) : (String) sub;
    // CloudFormation substitutes ${...} with names and ids: plain text inside JSON strings
    Matcher m = Pattern.compile("\\$\\{[^}]+}").matcher(text);
    String rendered = m.replaceAll("resolved-name");
    JsonNode dashboard = Repo.JSON.readTree(rendered);
    assertThat(dashboard.path("widgets").isArray()).isTrue();
    for (String function : template.functionIds()) {
      assertThat(text).as("dashboard metric of " + function).contains("${" + function + "}");
    }
    assertThat(text).contains("${JobRequestApi}", "${JobRequestQueue.QueueName}", "${JobTable}");
  }
}
