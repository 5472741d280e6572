package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.runtime.lambda.testing.Repo;
import dev.qbi.runtime.lambda.testing.TestAws;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each handler reads only the environment variables {@code lambda-env.json} (which the template is
 * checked against) lists for it: its declared list is that entry, and {@link Env} refuses any other
 * name, so building a handler from exactly its variables proves nothing else is read.
 */
class EnvDeclarationTest {

  private static final Map<Class<?>, List<String>> DECLARED =
      Map.of(
          AuthorizerHandler.class, AuthorizerHandler.ENV,
          JobProcessorHandler.class, JobProcessorHandler.ENV,
          BatchSimulatorHandler.class, BatchSimulatorHandler.ENV,
          JobStatusHandler.class, JobStatusHandler.ENV,
          ListJobsHandler.class, ListJobsHandler.ENV,
          CancelJobHandler.class, CancelJobHandler.ENV);

  @Test
  void every_handlers_declared_variables_are_its_lambda_env_json_entry() throws IOException {
    Map<String, List<String>> file =
        new ObjectMapper()
            .readValue(
                Repo.text(Repo.root().resolve("lambda-env.json")),
                new TypeReference<LinkedHashMap<String, List<String>>>() {});

    assertThat(file.keySet())
        .containsExactlyInAnyOrderElementsOf(
            DECLARED.keySet().stream().map(Class::getName).toList());
    DECLARED.forEach(
        (handler, vars) ->
            assertThat(file.get(handler.getName()))
                .as(handler.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(vars));
  }

  @Test
  void reading_an_undeclared_variable_fails() {
    Env env = Env.of(Map.of("JOB_TABLE_NAME", "t", "OTHER", "x"), ListJobsHandler.ENV);

    assertThat(env.required("JOB_TABLE_NAME")).isEqualTo("t");
    assertThatThrownBy(() -> env.optional("OTHER"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OTHER");
  }

  @Test
  void missing_required_variable_is_named() {
    Env env = Env.of(Map.of(), ListJobsHandler.ENV);

    assertThatThrownBy(() -> env.required("JOB_TABLE_NAME"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("JOB_TABLE_NAME");
  }

  @Test
  void every_handler_builds_from_exactly_its_declared_variables() {
    Map<String, String> all = new HashMap<>();
    all.put("COGNITO_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test");
    all.put("USER_POOL_CLIENT_ID", "client");
    all.put("JOB_TABLE_NAME", "jobs");
    all.put("JOB_QUEUE_URL", "http://127.0.0.1:1/queue/jobs");
    all.put("JOB_DLQ_URL", "http://127.0.0.1:1/queue/jobs-dlq");
    all.put("SIMULATOR_FUNCTION_NAME", "simulator");
    all.put("MAX_RECEIVE_COUNT", "5");
    all.put("JOB_RETENTION_DAYS", "7");
    all.put("SIMULATOR_TIMEOUT_SECONDS", "60");
    all.put("DEADLINE_MARGIN_SECONDS", "10");
    all.put("PAYLOAD_BUCKET", LocalS3.BUCKET);
    all.put("LINK_TTL_SECONDS", "60");
    var aws = TestAws.emulators();

    assertThat(new AuthorizerHandler(only(all, AuthorizerHandler.ENV))).isNotNull();
    assertThat(new JobProcessorHandler(only(all, JobProcessorHandler.ENV), aws, JobMetrics.NONE))
        .isNotNull();
    assertThat(new BatchSimulatorHandler(only(all, BatchSimulatorHandler.ENV), aws, null))
        .isNotNull();
    assertThat(new JobStatusHandler(only(all, JobStatusHandler.ENV), aws)).isNotNull();
    assertThat(new ListJobsHandler(only(all, ListJobsHandler.ENV), aws)).isNotNull();
    assertThat(new CancelJobHandler(only(all, CancelJobHandler.ENV), aws)).isNotNull();
  }

  @Test
  void max_receive_count_defaults_to_three_and_is_read_from_the_environment() {
    assertThat(
            JobProcessorHandler.retryPolicy(Env.of(Map.of(), JobProcessorHandler.ENV))
                .maxReceiveCount())
        .isEqualTo(3);
    assertThat(
            JobProcessorHandler.retryPolicy(
                    Env.of(Map.of("MAX_RECEIVE_COUNT", "5"), JobProcessorHandler.ENV))
                .maxReceiveCount())
        .isEqualTo(5);
    assertThatThrownBy(
            () ->
                JobProcessorHandler.retryPolicy(
                    Env.of(Map.of("MAX_RECEIVE_COUNT", "x"), JobProcessorHandler.ENV)))
        .hasMessageContaining("MAX_RECEIVE_COUNT");
  }

  @Test
  void the_processor_deadline_is_read_from_the_environment_with_defaults() {
    ProcessorDeadline defaults = ProcessorDeadline.from(Env.of(Map.of(), JobProcessorHandler.ENV));
    assertThat(defaults.simulatorTimeout()).hasSeconds(60);
    assertThat(defaults.margin()).hasSeconds(10);
    assertThat(defaults.invokeTimeout()).hasSeconds(70);

    ProcessorDeadline set =
        ProcessorDeadline.from(
            Env.of(
                Map.of("SIMULATOR_TIMEOUT_SECONDS", "120", "DEADLINE_MARGIN_SECONDS", "5"),
                JobProcessorHandler.ENV));
    assertThat(set.needed()).hasSeconds(130);
    assertThatThrownBy(
            () ->
                ProcessorDeadline.from(
                    Env.of(Map.of("SIMULATOR_TIMEOUT_SECONDS", "0"), JobProcessorHandler.ENV)))
        .hasMessageContaining("SIMULATOR_TIMEOUT_SECONDS");
  }

  /** The variables of {@code all} named in {@code declared}, restricted to those names. */
  private static Env only(Map<String, String> all, List<String> declared) {
    Map<String, String> values = new HashMap<>();
    declared.forEach(
        name -> {
          if (all.containsKey(name)) {
            values.put(name, all.get(name));
          }
        });
    return Env.of(values, declared);
  }
}
