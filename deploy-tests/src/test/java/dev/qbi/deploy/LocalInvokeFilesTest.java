package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** env.json and events/ for `sam local invoke`, and samconfig.toml. */
class LocalInvokeFilesTest {

  private static final Pattern LOWERCASE_UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** The sample event of each handler (events/ is read by the handlers' tests as well). */
  static final Map<String, String> EVENTS =
      Map.of(
          "dev.qbi.runtime.lambda.AuthorizerHandler", "events/authorizer.json",
          "dev.qbi.runtime.lambda.JobProcessorHandler", "events/job-processor.json",
          "dev.qbi.runtime.lambda.BatchSimulatorHandler", "events/batch-simulator.json",
          "dev.qbi.runtime.lambda.JobStatusHandler", "events/job-status.json",
          "dev.qbi.runtime.lambda.ListJobsHandler", "events/list-jobs.json",
          "dev.qbi.runtime.lambda.CancelJobHandler", "events/cancel-job.json");

  private final SamTemplate template = Repo.template();

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void env_json_sets_the_template_variables_of_every_function() {
    JsonNode env = Repo.json("env.json");
    assertThat(fieldNames(env)).containsExactlyInAnyOrderElementsOf(template.functionIds());
    for (String function : template.functionIds()) {
      assertThat(fieldNames(env.path(function)))
          .as("env.json " + function)
          .containsExactlyInAnyOrderElementsOf(template.functionVariables(function).keySet());
      for (Map.Entry<String, JsonNode> e : env.path(function).properties()) {
        assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue();
      }
    }
  }

  @Test
  void every_handler_has_a_sample_event() {
    assertThat(EVENTS.keySet()).containsExactlyInAnyOrderElementsOf(Repo.lambdaEnv().keySet());
    for (String file : EVENTS.values()) {
      assertThat(Repo.json(file).isObject()).as(file).isTrue();
    }
  }

  @Test
  void authorizer_event_is_an_http_api_request_authorizer_call_of_payload_format_1_0() {
    JsonNode event = Repo.json(EVENTS.get("dev.qbi.runtime.lambda.AuthorizerHandler"));
    assertThat(event.path("version").asText()).isEqualTo("1.0");
    assertThat(event.path("type").asText()).isEqualTo("REQUEST");
    assertThat(event.path("methodArn").asText())
        .matches(
            "arn:aws:execute-api:[a-z0-9-]+:\\d{12}:[a-z0-9]+/\\$default/POST/submit-job-request");
    assertThat(event.path("headers").path("authorization").asText()).isNotBlank();
    assertThat(event.path("identitySource").asText())
        .isEqualTo(event.path("headers").path("authorization").asText());
  }

  @Test
  void processor_event_is_an_sqs_batch_whose_messages_carry_the_owner_attribute() throws Exception {
    JsonNode records =
        Repo.json(EVENTS.get("dev.qbi.runtime.lambda.JobProcessorHandler")).path("Records");
    assertThat(records.size()).isBetween(1, 10);
    for (JsonNode record : records) {
      assertThat(record.path("eventSource").asText()).isEqualTo("aws:sqs");
      assertThat(record.path("messageId").asText()).matches(LOWERCASE_UUID);
      assertThat(record.path("attributes").path("ApproximateReceiveCount").asInt()).isPositive();
      JsonNode owner = record.path("messageAttributes").path("owner");
      assertThat(owner.path("dataType").asText()).isEqualTo("String");
      assertThat(owner.path("stringValue").asText()).isNotBlank();
      assertThat(Repo.JSON.readTree(record.path("body").asText()).isObject()).isTrue();
    }
  }

  @Test
  void simulator_event_is_the_processors_request_naming_the_job_owner_and_payload()
      throws Exception {
    // the shape of dev.qbi.adapters.aws.SimulatorProtocol.Request
    JsonNode event = Repo.json(EVENTS.get("dev.qbi.runtime.lambda.BatchSimulatorHandler"));
    assertThat(fieldNames(event)).containsExactlyInAnyOrder("jobId", "owner", "payload");
    assertThat(event.path("jobId").asText()).matches(LOWERCASE_UUID);
    assertThat(event.path("owner").asText()).isNotBlank();
    assertThat(Repo.JSON.readTree(event.path("payload").asText()).isObject()).isTrue();
  }

  @Test
  void status_and_list_events_are_http_api_2_0_calls_with_the_authorizer_owner() {
    JsonNode status = Repo.json(EVENTS.get("dev.qbi.runtime.lambda.JobStatusHandler"));
    assertThat(status.path("version").asText()).isEqualTo("2.0");
    assertThat(status.path("routeKey").asText()).isEqualTo("GET /job-status/{jobId}");
    assertThat(status.path("pathParameters").path("jobId").asText()).matches(LOWERCASE_UUID);
    assertThat(status.path("rawPath").asText())
        .isEqualTo("/job-status/" + status.path("pathParameters").path("jobId").asText());

    JsonNode list = Repo.json(EVENTS.get("dev.qbi.runtime.lambda.ListJobsHandler"));
    assertThat(list.path("version").asText()).isEqualTo("2.0");
    assertThat(list.path("routeKey").asText()).isEqualTo("GET /jobs");

    JsonNode cancel = Repo.json(EVENTS.get("dev.qbi.runtime.lambda.CancelJobHandler"));
    assertThat(cancel.path("version").asText()).isEqualTo("2.0");
    assertThat(cancel.path("routeKey").asText()).isEqualTo("DELETE /jobs/{jobId}");
    assertThat(cancel.path("requestContext").path("http").path("method").asText())
        .isEqualTo("DELETE");
    assertThat(cancel.path("rawPath").asText())
        .isEqualTo("/jobs/" + cancel.path("pathParameters").path("jobId").asText());

    for (JsonNode event : List.of(status, list, cancel)) {
      assertThat(
              event.path("requestContext").path("authorizer").path("lambda").path("owner").asText())
          .isNotBlank();
    }
  }

  @Test
  void samconfig_builds_in_source_and_deploys_with_the_needed_capabilities() {
    String samconfig = Repo.text("samconfig.toml");
    assertThat(samconfig)
        .contains("version = 0.1")
        .contains("build_in_source = true")
        .contains("parallel = false")
        .contains("CAPABILITY_IAM")
        .contains("CognitoStackName=")
        .contains("env_vars = \"env.json\"");
  }
}
