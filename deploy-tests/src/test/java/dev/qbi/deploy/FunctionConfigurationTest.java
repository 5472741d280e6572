package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Lambda functions of template.yaml: runtime, SnapStart, tracing, build, handlers, env. */
class FunctionConfigurationTest {

  private static final Set<String> HANDLERS =
      Set.of(
          "dev.qbi.runtime.lambda.AuthorizerHandler",
          "dev.qbi.runtime.lambda.JobProcessorHandler",
          "dev.qbi.runtime.lambda.BatchSimulatorHandler",
          "dev.qbi.runtime.lambda.JobStatusHandler",
          "dev.qbi.runtime.lambda.ListJobsHandler",
          "dev.qbi.runtime.lambda.CancelJobHandler");

  private final SamTemplate template = Repo.template();

  @Test
  void the_template_has_one_function_per_handler() {
    assertThat(template.functionIds()).hasSize(HANDLERS.size());
    assertThat(template.functionIds().stream().map(template::handlerClass))
        .containsExactlyInAnyOrderElementsOf(HANDLERS);
  }

  @Test
  void every_function_runs_java21_on_arm64() {
    for (String function : template.functionIds()) {
      assertThat(template.functionSetting(function, "Runtime")).as(function).isEqualTo("java21");
      assertThat(template.functionSetting(function, "Architectures"))
          .as(function)
          .isEqualTo(List.of("arm64"));
    }
  }

  @Test
  void every_function_uses_snapstart_on_versions_published_behind_the_live_alias() {
    for (String function : template.functionIds()) {
      assertThat(template.functionSetting(function, "SnapStart"))
          .as(function)
          .isEqualTo(Map.of("ApplyOn", "PublishedVersions"));
      assertThat(template.functionSetting(function, "AutoPublishAlias"))
          .as(function)
          .isEqualTo("live");
      // otherwise a change of environment or memory alone would not publish a new version and the
      // alias would keep serving the old configuration
      assertThat(template.functionSetting(function, "AutoPublishAliasAllProperties"))
          .as(function)
          .isEqualTo(true);
    }
  }

  @Test
  void every_function_traces_with_xray_active() {
    for (String function : template.functionIds()) {
      assertThat(template.functionSetting(function, "Tracing")).as(function).isEqualTo("Active");
    }
  }

  @Test
  void every_function_is_built_by_a_makefile_target_that_ships_the_shaded_jar() {
    String makefile = Repo.text("Makefile");
    for (String function : template.functionIds()) {
      assertThat(template.properties(function).get("CodeUri")).as(function).isEqualTo(".");
      assertThat(Cfn.at(template.resource(function), "Metadata", "BuildMethod"))
          .as(function)
          .isEqualTo("makefile");
      assertThat(makefile).as("Makefile target for " + function).contains(function);
    }
    assertThat(makefile)
        .contains("JAR := runtimes/lambda/target/qbi-runtime-lambda.jar")
        .contains("FUNCTIONS := " + String.join(" ", template.functionIds()))
        .contains("$(addprefix build-,$(FUNCTIONS)): $(JAR)")
        // Lambda's Java runtime puts the jars under lib/ on the class path
        .contains("cp $(JAR) \"$(ARTIFACTS_DIR)/lib/\"");
  }

  @Test
  void every_handler_names_a_handle_request_method_of_a_class_listed_in_lambda_env_json() {
    Pattern handler =
        Pattern.compile("dev\\.qbi\\.runtime\\.lambda\\.[A-Z][A-Za-z0-9]*::handleRequest");
    Map<String, List<String>> lambdaEnv = Repo.lambdaEnv();
    for (String function : template.functionIds()) {
      String value = (String) template.properties(function).get("Handler");
      assertThat(value).as(function).matches(handler);
      assertThat(lambdaEnv).as(function).containsKey(template.handlerClass(function));
    }
    assertThat(lambdaEnv.keySet()).containsExactlyInAnyOrderElementsOf(HANDLERS);
  }

  @Test
  void each_function_sets_exactly_the_environment_variables_its_handler_reads() {
    Map<String, List<String>> lambdaEnv = Repo.lambdaEnv();
    for (Map.Entry<String, List<String>> handler : lambdaEnv.entrySet()) {
      String function = template.functionForHandler(handler.getKey());
      assertThat(template.functionVariables(function).keySet())
          .as("environment of " + function + " (" + handler.getKey() + ")")
          .containsExactlyInAnyOrderElementsOf(handler.getValue());
    }
  }

  @Test
  void lambda_env_json_names_only_variables_of_the_documented_set() {
    Set<String> known =
        Set.of(
            "JOB_TABLE_NAME",
            "JOB_QUEUE_URL",
            "JOB_DLQ_URL",
            "PAYLOAD_BUCKET",
            "SIMULATOR_FUNCTION_NAME",
            "USER_POOL_ID",
            "USER_POOL_CLIENT_ID",
            "COGNITO_ISSUER",
            "MAX_RECEIVE_COUNT",
            "LINK_TTL_SECONDS",
            "JOB_RETENTION_DAYS",
            "SIMULATOR_TIMEOUT_SECONDS",
            "DEADLINE_MARGIN_SECONDS",
            "POWERTOOLS_SERVICE_NAME",
            "POWERTOOLS_METRICS_NAMESPACE",
            "POWERTOOLS_LOG_LEVEL");
    for (Map.Entry<String, List<String>> handler : Repo.lambdaEnv().entrySet()) {
      assertThat(handler.getValue()).as(handler.getKey()).doesNotHaveDuplicates();
      assertThat(known).as(handler.getKey()).containsAll(handler.getValue());
    }
  }

  @Test
  void every_function_logs_to_its_own_log_group_with_the_retention_parameter() {
    for (String function : template.functionIds()) {
      Object logGroup = Cfn.at(template.properties(function), "LoggingConfig", "LogGroup");
      String logGroupId = Cfn.describe(logGroup);
      assertThat(template.type(logGroupId)).as(function).isEqualTo("AWS::Logs::LogGroup");
      assertThat(template.properties(logGroupId).get("RetentionInDays"))
          .as(logGroupId)
          .isEqualTo(Map.of("Ref", "LogRetentionDays"));
    }
    assertThat(
            template.functionIds().stream()
                .map(f -> Cfn.describe(Cfn.at(template.properties(f), "LoggingConfig", "LogGroup")))
                .distinct())
        .hasSize(template.functionIds().size());
  }

  @Test
  void processor_outlives_the_synchronous_simulator_call_it_makes() {
    int processor = Cfn.integer(template.functionSetting("JobProcessorFunction", "Timeout"));
    int simulator = Cfn.integer(template.functionSetting("BatchSimulatorFunction", "Timeout"));
    assertThat(processor).isGreaterThan(simulator);
  }

  @Test
  void processor_knows_the_simulators_timeout_and_has_the_time_to_start_a_job() {
    Map<String, Object> variables = template.functionVariables("JobProcessorFunction");
    int simulator = Cfn.integer(template.functionSetting("BatchSimulatorFunction", "Timeout"));
    int processor = Cfn.integer(template.functionSetting("JobProcessorFunction", "Timeout"));
    int margin = Cfn.integer(variables.get("DEADLINE_MARGIN_SECONDS"));

    assertThat(Cfn.integer(variables.get("SIMULATOR_TIMEOUT_SECONDS")))
        .as("SIMULATOR_TIMEOUT_SECONDS = the simulator function's Timeout")
        .isEqualTo(simulator);
    assertThat(margin).isPositive();
    // a message starts only with the Invoke's longest wait (timeout + margin) plus the margin left;
    // a fresh invocation must be able to start a second one even after a first that took that long
    int invokeWait = simulator + margin;
    assertThat(processor)
        .as("processor Timeout leaves room for two jobs")
        .isGreaterThanOrEqualTo(invokeWait + (invokeWait + margin));
  }

  @Test
  void processor_invokes_the_simulator_through_its_snapstart_alias() {
    assertThat(template.functionVariables("JobProcessorFunction").get("SIMULATOR_FUNCTION_NAME"))
        .isEqualTo(Map.of("Ref", "BatchSimulatorFunction.Alias"));
  }

  @Test
  void authorizer_trusts_the_issuer_of_the_imported_cognito_pool() {
    Map<String, Object> variables = template.functionVariables("AuthorizerFunction");
    Object issuer = Cfn.list(Cfn.map(variables.get("COGNITO_ISSUER")).get("Fn::Sub"));
    assertThat(issuer.toString())
        .contains("https://cognito-idp.${AWS::Region}.amazonaws.com/${PoolId}")
        .contains("${CognitoStackName}-UserPool");
    assertThat(variables.get("USER_POOL_CLIENT_ID"))
        .isEqualTo(
            Map.of("Fn::ImportValue", Map.of("Fn::Sub", "${CognitoStackName}-UserPoolClient")));
  }
}
