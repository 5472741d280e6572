package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTTP API: template.yaml's JobRequestApi and its OpenAPI definition api.yaml. */
class HttpApiTest {

  private static final Pattern CONTEXT_VARIABLE = Pattern.compile("\\$context\\.[A-Za-z0-9_.]+");

  private final SamTemplate template = Repo.template();
  private final Map<String, Object> api = Repo.api();

  private Map<String, Object> operation(String path, String method) {
    return Cfn.mapAt(api, "paths", path, method);
  }

  private Map<String, Object> integration(String path, String method) {
    return Cfn.mapAt(operation(path, method), "x-amazon-apigateway-integration");
  }

  /** Every operation of api.yaml as "METHOD /path". */
  private List<String> routes() {
    List<String> routes = new ArrayList<>();
    for (Map.Entry<String, Object> path : Cfn.mapAt(api, "paths").entrySet()) {
      for (String method : Cfn.map(path.getValue()).keySet()) {
        if (!method.equals("parameters")) {
          routes.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    return routes;
  }

  @Test
  void the_api_definition_is_included_from_api_yaml() {
    assertThat(template.type("JobRequestApi")).isEqualTo("AWS::Serverless::HttpApi");
    assertThat(template.properties("JobRequestApi").get("DefinitionBody"))
        .isEqualTo(
            Map.of(
                "Fn::Transform",
                Map.of("Name", "AWS::Include", "Parameters", Map.of("Location", "api.yaml"))));
    assertThat(api.get("openapi")).isEqualTo("3.0.1");
  }

  @Test
  void api_yaml_uses_only_long_form_intrinsics_because_aws_include_does_not_read_tags() {
    assertThatCode(() -> CfnYaml.loadWithoutTags(Repo.file("api.yaml"))).doesNotThrowAnyException();
  }

  @Test
  void the_api_serves_the_original_routes_the_job_list_and_cancel() {
    assertThat(routes())
        .containsExactlyInAnyOrder(
            "POST /submit-job-request",
            "GET /job-status/{jobId}",
            "GET /jobs",
            "DELETE /jobs/{jobId}");
  }

  @Test
  void the_authorizers_policy_allows_every_route_of_the_api() {
    // the authorizer's answer is cached per token and reused for every route, so its policy must
    // name them all (as METHOD/path, path parameters as *): a route it leaves out gets a 403
    String authorizer =
        Repo.text("runtimes/lambda/src/main/java/dev/qbi/runtime/lambda/AuthorizerHandler.java");
    for (String route : routes()) {
      String resource = route.replace(" ", "").replaceAll("\\{[^}]+}", "*");
      assertThat(authorizer).as(route).contains("\"" + resource + "\"");
    }
  }

  @Test
  void submit_job_request_sends_the_body_straight_to_the_queue_with_the_owner_attribute()
      throws Exception {
    Map<String, Object> integration = integration("/submit-job-request", "post");
    assertThat(integration.get("type")).isEqualTo("aws_proxy");
    assertThat(integration.get("integrationSubtype")).isEqualTo("SQS-SendMessage");
    assertThat(integration.get("payloadFormatVersion")).isEqualTo("1.0");
    assertThat(integration.get("credentials"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("ApiIntegrationRole", "Arn")));

    Map<String, Object> parameters = Cfn.mapAt(integration, "requestParameters");
    assertThat(parameters.get("QueueUrl")).isEqualTo(Map.of("Ref", "JobRequestQueue"));
    assertThat(parameters.get("MessageBody")).isEqualTo("$request.body");

    // the attributes are SQS's JSON; API Gateway fills ${context.authorizer.owner} from the
    // context map the Lambda authorizer returned (key "owner" = the token's sub)
    JsonNode attributes = Repo.JSON.readTree((String) parameters.get("MessageAttributes"));
    assertThat(attributes.size()).isEqualTo(1);
    assertThat(attributes.path("owner").path("DataType").asText()).isEqualTo("String");
    assertThat(attributes.path("owner").path("StringValue").asText())
        .isEqualTo("${context.authorizer.owner}");
  }

  @Test
  void lambda_routes_call_the_live_alias_with_payload_format_2_0() {
    Map<String, String> routeFunction =
        Map.of(
            "get /job-status/{jobId}", "JobStatusFunction",
            "get /jobs", "ListJobsFunction",
            "delete /jobs/{jobId}", "CancelJobFunction");
    for (Map.Entry<String, String> route : routeFunction.entrySet()) {
      String[] methodAndPath = route.getKey().split(" ");
      Map<String, Object> integration = integration(methodAndPath[1], methodAndPath[0]);
      assertThat(integration.get("type")).isEqualTo("aws_proxy");
      assertThat(integration.get("payloadFormatVersion")).isEqualTo("2.0");
      assertThat(integration.get("httpMethod")).isEqualTo("POST");
      assertThat(integration.get("credentials"))
          .isEqualTo(Map.of("Fn::GetAtt", List.of("ApiIntegrationRole", "Arn")));
      String uri = Cfn.describe(integration.get("uri"));
      assertThat(uri)
          .isEqualTo(
              "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${"
                  + template.aliasLogicalId(route.getValue())
                  + "}/invocations");
    }
    assertThat(Cfn.at(operation("/job-status/{jobId}", "get"), "parameters").toString())
        .contains("name=jobId", "in=path", "required=true");
    assertThat(Cfn.at(operation("/jobs/{jobId}", "delete"), "parameters").toString())
        .contains("name=jobId", "in=path", "required=true");
  }

  @Test
  void every_route_is_behind_the_lambda_authorizer_with_payload_format_1_0() {
    for (Map.Entry<String, Object> path : Cfn.mapAt(api, "paths").entrySet()) {
      for (Map.Entry<String, Object> op : Cfn.map(path.getValue()).entrySet()) {
        assertThat(Cfn.map(op.getValue()).get("security"))
            .as(op.getKey() + " " + path.getKey())
            .isEqualTo(List.of(Map.of("LambdaAuthorizer", List.of())));
      }
    }
    Map<String, Object> scheme =
        Cfn.mapAt(api, "components", "securitySchemes", "LambdaAuthorizer");
    assertThat(scheme.get("type")).isEqualTo("apiKey");
    assertThat(scheme.get("in")).isEqualTo("header");
    assertThat(scheme.get("name")).isEqualTo("Authorization");

    Map<String, Object> authorizer = Cfn.mapAt(scheme, "x-amazon-apigateway-authorizer");
    assertThat(authorizer.get("type")).isEqualTo("request");
    assertThat(authorizer.get("identitySource")).isEqualTo("$request.header.Authorization");
    assertThat(authorizer.get("authorizerPayloadFormatVersion")).isEqualTo("1.0");
    assertThat(authorizer.get("enableSimpleResponses")).isEqualTo(false);
    assertThat(authorizer.get("authorizerCredentials"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("AuthorizerInvokeRole", "Arn")));
    assertThat(Cfn.describe(authorizer.get("authorizerUri")))
        .contains("${" + template.aliasLogicalId("AuthorizerFunction") + "}");
    assertThat(Cfn.integer(authorizer.get("authorizerResultTtlInSeconds"))).isBetween(0, 3600);
  }

  @Test
  void api_yaml_refers_only_to_resources_of_the_template() {
    Set<String> references = Cfn.referencedNames(api);
    assertThat(references).isNotEmpty();
    for (String name : references) {
      boolean resource = template.has(name);
      boolean samAlias =
          template.functionIds().stream().anyMatch(f -> template.aliasLogicalId(f).equals(name));
      assertThat(resource || samAlias).as(name + " is a resource of template.yaml").isTrue();
    }
  }

  @Test
  void the_sam_alias_references_in_the_template_name_functions_with_an_alias() {
    for (String name : Cfn.referencedNames(template.root().get("Resources"))) {
      if (name.endsWith(".Alias")) {
        String function = name.substring(0, name.length() - ".Alias".length());
        assertThat(template.type(function)).isEqualTo(SamTemplate.FUNCTION);
        assertThat(template.functionSetting(function, "AutoPublishAlias")).isNotNull();
      } else {
        assertThat(template.has(name) || Cfn.at(template.root(), "Parameters", name) != null)
            .as(name + " is a resource or a parameter")
            .isTrue();
      }
    }
  }

  @Test
  void access_logs_go_to_a_log_group_with_retention() {
    Map<String, Object> settings =
        Cfn.mapAt(template.properties("JobRequestApi"), "AccessLogSettings");
    assertThat(settings.get("DestinationArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("ApiAccessLogGroup", "Arn")));
    assertThat(template.properties("ApiAccessLogGroup").get("RetentionInDays"))
        .isEqualTo(Map.of("Ref", "LogRetentionDays"));
  }

  @Test
  void access_log_format_renders_one_valid_json_object_per_request() throws Exception {
    String format =
        (String) Cfn.mapAt(template.properties("JobRequestApi"), "AccessLogSettings").get("Format");
    assertThat(format).doesNotContain("\n");
    // API Gateway substitutes every $context variable with its raw text; *String variables
    // ($context.error.messageString) come already quoted. Use values with awkward characters.
    Matcher m = CONTEXT_VARIABLE.matcher(format);
    StringBuilder rendered = new StringBuilder();
    while (m.find()) {
      String variable = m.group();
      String value = variable.endsWith("String") ? "\"Unauthorized\"" : "sample-value_1.2";
      m.appendReplacement(rendered, Matcher.quoteReplacement(value));
    }
    m.appendTail(rendered);

    JsonNode line = Repo.JSON.readTree(rendered.toString());
    assertThat(line.isObject()).isTrue();
    assertThat(line.fieldNames())
        .toIterable()
        .contains("requestId", "ip", "requestTime", "routeKey", "status", "errorMessage", "owner");
    assertThat(line.path("errorMessage").asText()).isEqualTo("Unauthorized");
  }

  @Test
  void the_api_throttles_by_default_to_bound_cost() {
    Map<String, Object> route =
        Cfn.mapAt(template.properties("JobRequestApi"), "DefaultRouteSettings");
    assertThat(Cfn.integer(route.get("ThrottlingRateLimit"))).isPositive();
    assertThat(Cfn.integer(route.get("ThrottlingBurstLimit"))).isPositive();
  }
}
