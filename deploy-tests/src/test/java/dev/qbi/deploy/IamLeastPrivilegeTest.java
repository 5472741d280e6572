package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every function has its own role that grants only what its handler does, on the resources of this
 * stack. Grants are compared as "action resource" strings with resources in {@link Cfn#describe}
 * form ({@code JobTable.Arn}, {@code ${PayloadBucket.Arn}/*}, {@code
 * BatchSimulatorFunction.Alias}).
 *
 * <p>Documented exceptions to "no * resource": {@code xray:PutTraceSegments} and {@code
 * xray:PutTelemetryRecords}, which do not support resource-level permissions (AWS requires "*").
 * CloudWatch PutMetricData is not needed: Powertools metrics are EMF lines in the function's log.
 */
class IamLeastPrivilegeTest {

  private static final Set<String> ACTIONS_THAT_NEED_STAR_RESOURCE =
      Set.of("xray:PutTraceSegments", "xray:PutTelemetryRecords");

  private final SamTemplate template = Repo.template();

  private static Set<String> loggingAndTracing(String logGroup) {
    return Set.of(
        "logs:CreateLogStream " + logGroup + ".Arn",
        "logs:PutLogEvents " + logGroup + ".Arn",
        "xray:PutTraceSegments *",
        "xray:PutTelemetryRecords *");
  }

  private static Set<String> union(Set<String> a, String... more) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(List.of(more));
    return all;
  }

  private static final Map<String, Set<String>> EXPECTED_FUNCTION_GRANTS =
      Map.of(
          "AuthorizerFunction",
          loggingAndTracing("AuthorizerFunctionLogGroup"),
          "JobProcessorFunction",
          union(
              loggingAndTracing("JobProcessorFunctionLogGroup"),
              "dynamodb:GetItem JobTable.Arn",
              "dynamodb:PutItem JobTable.Arn",
              "dynamodb:UpdateItem JobTable.Arn",
              "sqs:ReceiveMessage JobRequestQueue.Arn",
              "sqs:DeleteMessage JobRequestQueue.Arn",
              "sqs:ChangeMessageVisibility JobRequestQueue.Arn",
              "sqs:GetQueueAttributes JobRequestQueue.Arn",
              "sqs:SendMessage JobRequestDeadLetterQueue.Arn",
              "lambda:InvokeFunction BatchSimulatorFunction.Alias"),
          "BatchSimulatorFunction",
          union(
              loggingAndTracing("BatchSimulatorFunctionLogGroup"),
              "s3:PutObject ${PayloadBucket.Arn}/*"),
          "JobStatusFunction",
          union(
              loggingAndTracing("JobStatusFunctionLogGroup"),
              "dynamodb:GetItem JobTable.Arn",
              "s3:GetObject ${PayloadBucket.Arn}/*"),
          "ListJobsFunction",
          union(
              loggingAndTracing("ListJobsFunctionLogGroup"),
              "dynamodb:Query ${JobTable.Arn}/index/owner-submittedAt-index"),
          "CancelJobFunction",
          union(
              loggingAndTracing("CancelJobFunctionLogGroup"),
              "dynamodb:GetItem JobTable.Arn",
              "dynamodb:PutItem JobTable.Arn"));

  /** The Allow statements of a role's inline policies. */
  private List<Map<String, Object>> statements(String role) {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Object policy : Cfn.list(template.properties(role).get("Policies"))) {
      for (Object statement : Cfn.list(Cfn.at(policy, "PolicyDocument", "Statement"))) {
        statements.add(Cfn.map(statement));
      }
    }
    return statements;
  }

  private Set<String> grants(String role) {
    Set<String> grants = new TreeSet<>();
    for (Map<String, Object> statement : statements(role)) {
      for (Object action : Cfn.listOrSingle(statement.get("Action"))) {
        for (Object resource : Cfn.listOrSingle(statement.get("Resource"))) {
          grants.add(action + " " + Cfn.describe(resource));
        }
      }
    }
    return grants;
  }

  private String roleOf(String function) {
    Object role = template.properties(function).get("Role");
    assertThat(role).as(function + " Role").isInstanceOf(Map.class);
    List<Object> getAtt = Cfn.list(Cfn.map(role).get("Fn::GetAtt"));
    assertThat(getAtt.get(1)).isEqualTo("Arn");
    String roleId = (String) getAtt.get(0);
    assertThat(template.type(roleId)).isEqualTo("AWS::IAM::Role");
    return roleId;
  }

  private static String trustedService(Map<String, Object> role) {
    List<Object> trust = Cfn.list(Cfn.at(role, "AssumeRolePolicyDocument", "Statement"));
    assertThat(trust).hasSize(1);
    assertThat(Cfn.at(trust.get(0), "Action")).isEqualTo("sts:AssumeRole");
    return (String) Cfn.at(trust.get(0), "Principal", "Service");
  }

  @Test
  void every_function_has_its_own_role_and_no_sam_generated_policies() {
    Set<String> roles = new HashSet<>();
    for (String function : template.functionIds()) {
      // with Policies (or no Role) SAM would attach managed policies whose resources are "*"
      assertThat(template.properties(function).get("Policies")).as(function).isNull();
      String role = roleOf(function);
      assertThat(roles.add(role)).as(role + " is shared").isTrue();
      assertThat(trustedService(template.properties(role))).isEqualTo("lambda.amazonaws.com");
      assertThat(template.properties(role).get("ManagedPolicyArns")).as(role).isNull();
    }
  }

  @Test
  void each_function_role_grants_exactly_what_its_handler_needs() {
    assertThat(EXPECTED_FUNCTION_GRANTS.keySet())
        .containsExactlyInAnyOrderElementsOf(template.functionIds());
    for (Map.Entry<String, Set<String>> expected : EXPECTED_FUNCTION_GRANTS.entrySet()) {
      String role = roleOf(expected.getKey());
      assertThat(grants(role)).as(role).containsExactlyInAnyOrderElementsOf(expected.getValue());
    }
  }

  @Test
  void no_role_of_the_stack_allows_wildcard_resources_except_for_xray() {
    for (String role : template.idsOfType("AWS::IAM::Role")) {
      for (Map<String, Object> statement : statements(role)) {
        assertThat(statement.get("Effect")).as(role).isEqualTo("Allow");
        assertThat(statement).as(role).doesNotContainKeys("NotAction", "NotResource");
        List<Object> actions = Cfn.listOrSingle(statement.get("Action"));
        for (Object action : actions) {
          assertThat((String) action).as(role + " action").doesNotContain("*");
        }
        boolean starResource =
            Cfn.listOrSingle(statement.get("Resource")).stream()
                .map(Cfn::describe)
                .anyMatch(r -> r.equals("*") || r.endsWith(":*"));
        if (starResource) {
          assertThat(actions)
              .as(role + ": only X-Ray actions may use Resource *")
              .allMatch(ACTIONS_THAT_NEED_STAR_RESOURCE::contains);
        }
      }
    }
  }

  @Test
  void api_gateway_may_only_send_to_the_queue_and_invoke_the_live_aliases() {
    assertThat(trustedService(template.properties("ApiIntegrationRole")))
        .isEqualTo("apigateway.amazonaws.com");
    assertThat(grants("ApiIntegrationRole"))
        .containsExactlyInAnyOrder(
            "sqs:SendMessage JobRequestQueue.Arn",
            "lambda:InvokeFunction JobStatusFunction.Alias",
            "lambda:InvokeFunction ListJobsFunction.Alias",
            "lambda:InvokeFunction CancelJobFunction.Alias");
    assertThat(trustedService(template.properties("AuthorizerInvokeRole")))
        .isEqualTo("apigateway.amazonaws.com");
    assertThat(grants("AuthorizerInvokeRole"))
        .containsExactly("lambda:InvokeFunction AuthorizerFunction.Alias");
  }
}
