package dev.qbi.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorded outputs source and the deployed mode's refusal of non-AWS, non-loopback targets. */
class StackOutputsTest {

  @TempDir Path dir;

  private Path describeStacks(String api, String issuer) throws IOException {
    String json =
        """
        {"Stacks": [
          {"StackName": "app", "Outputs": [
            {"OutputKey": "JobRequestApiEndpoint", "OutputValue": "%s"}]},
          {"StackName": "pool", "Outputs": [
            {"OutputKey": "UserPool", "OutputValue": "us-east-1_AbCdEf"},
            {"OutputKey": "UserPoolClient", "OutputValue": "client123"},
            {"OutputKey": "CognitoIssuer", "OutputValue": "%s"}]}
        ]}
        """
            .formatted(api, issuer);
    Path file = dir.resolve("outputs.json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void recorded_outputs_are_read_per_stack_from_describe_stacks_json() throws IOException {
    RecordedStackOutputs outputs =
        new RecordedStackOutputs(describeStacks("https://x.example", "https://issuer"));

    assertThat(outputs.of("app"))
        .containsExactly(Map.entry("JobRequestApiEndpoint", "https://x.example"));
    assertThat(outputs.required("pool", "UserPoolClient")).isEqualTo("client123");
  }

  @Test
  void missing_stack_or_output_is_a_clear_error() throws IOException {
    RecordedStackOutputs outputs =
        new RecordedStackOutputs(describeStacks("https://x.example", "https://issuer"));

    assertThatThrownBy(() -> outputs.of("nope")).hasMessageContaining("no stack named nope");
    assertThatThrownBy(() -> outputs.required("app", "UserPool"))
        .hasMessageContaining("stack app has no output UserPool");
  }

  @Test
  void deployed_mode_refuses_a_target_that_is_neither_aws_nor_loopback() throws IOException {
    Path file = describeStacks("http://192.0.2.10:8080", "http://192.0.2.10:8080/local_ingestion");
    Map<String, String> settings =
        Map.of(
            E2eTarget.STACK_NAME, "app",
            E2eTarget.COGNITO_STACK_NAME, "pool",
            E2eTarget.STACK_OUTPUTS_FILE, file.toString());

    assertThatThrownBy(() -> E2eTarget.fromSettings(settings::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("loopback");
  }

  @Test
  void only_one_of_the_two_stack_names_is_an_error() {
    Map<String, String> settings = Map.of(E2eTarget.STACK_NAME, "app");

    assertThatThrownBy(() -> E2eTarget.fromSettings(settings::get))
        .hasMessageContaining("COGNITO_STACK_NAME");
  }
}
