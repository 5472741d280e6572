package dev.qbi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The suite through the deployed-mode code path, here: the stacks' outputs come from a recorded
 * {@code describe-stacks} JSON ({@code recorded/describe-stacks.json}) whose endpoint, pool, client
 * and issuer are rewritten to a local runtime started for the class, so every Cognito call goes to
 * the local identity provider and every API call to the local server — the same code that runs
 * against AWS, minus the CloudFormation API call.
 */
class RecordedDeployedE2eTest extends JobApiScenarios {

  static final String STACK = "qbi-e2e-recorded";
  static final String COGNITO_STACK = "qbi-e2e-recorded-cognito";

  LocalRuntime runtime;

  @Override
  E2eTarget openTarget() throws IOException {
    runtime = LocalRuntime.start();
    try {
      Path outputs = recordOutputsOf(runtime, runtime.scratchDir());
      Map<String, String> settings =
          Map.of(
              E2eTarget.STACK_NAME,
              STACK,
              E2eTarget.COGNITO_STACK_NAME,
              COGNITO_STACK,
              E2eTarget.STACK_OUTPUTS_FILE,
              outputs.toString(),
              E2eTarget.ADMIN_CREDENTIALS_FILE,
              runtime.adminCredentialsFile().toString());
      return E2eTarget.fromSettings(settings::get).alsoClosing(runtime);
    } catch (IOException | RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /** The recorded describe-stacks JSON with the local runtime's URL, pool, client and issuer. */
  static Path recordOutputsOf(LocalRuntime runtime, Path dir) throws IOException {
    String recorded;
    try (InputStream in =
        RecordedDeployedE2eTest.class.getResourceAsStream("/recorded/describe-stacks.json")) {
      if (in == null) {
        throw new IllegalStateException("recorded/describe-stacks.json is not on the class path");
      }
      recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String local =
        recorded
            .replace("${BASE_URL}", runtime.baseUrl().toString())
            .replace("${USER_POOL_ID}", runtime.userPoolId())
            .replace("${CLIENT_ID}", runtime.clientId())
            .replace("${ISSUER}", runtime.issuer());
    Path file = dir.resolve("describe-stacks.json");
    try {
      Files.writeString(file, local, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Test
  void target_comes_from_the_recorded_stack_outputs_and_points_at_the_local_runtime() {
    assertThat(target.mode()).isEqualTo(E2eTarget.Mode.DEPLOYED);
    assertThat(target.aws()).isFalse();
    assertThat(target.baseUrl()).isEqualTo(runtime.baseUrl());
    assertThat(target.userPoolId()).isEqualTo(runtime.userPoolId());
    assertThat(target.clientId()).isEqualTo(runtime.clientId());
  }
}
