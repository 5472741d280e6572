package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.S3PayloadStore;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.runtime.lambda.testing.Repo;
import dev.qbi.runtime.lambda.testing.TestAws;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The batch simulator fed {@code events/batch-simulator.json}, writing to S3Mock. */
class BatchSimulatorHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3PayloadStore payloads =
      new S3PayloadStore(
          TestAws.emulators().s3(), TestAws.emulators().s3Presigner(), LocalS3.BUCKET);
  private final BatchSimulatorHandler handler = new BatchSimulatorHandler(payloads, null);

  @Test
  void sample_request_writes_the_output_under_the_job_key_and_answers_like_the_original()
      throws IOException {
    byte[] request = Files.readAllBytes(Repo.event("batch-simulator.json"));
    String jobId = JSON.readTree(request).path("jobId").asText();
    TestContext context = new TestContext("batch-simulator");

    JsonNode response = invoke(request, context);

    String key = "jobs/" + jobId + ".json";
    assertThat(response.path("jobStatus").asText()).isEqualTo("complete");
    assertThat(response.path("jobPayloadKey").asText()).isEqualTo(key);
    assertThat(response.path("jobPayloadLocation").asText())
        .isEqualTo("s3://" + LocalS3.BUCKET + "/" + key);
    assertThat(response.path("jobRequestId").asText()).isEqualTo(context.getAwsRequestId());
    JsonNode output = JSON.readTree(payloads.get(key).orElseThrow());
    assertThat(output.path("weatherData").size()).isEqualTo(99);
  }

  @Test
  void running_the_same_job_again_rewrites_the_same_object() throws IOException {
    byte[] request = Files.readAllBytes(Repo.event("batch-simulator.json"));

    String first = invoke(request, new TestContext("sim")).path("jobPayloadKey").asText();
    String second = invoke(request, new TestContext("sim")).path("jobPayloadKey").asText();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void request_with_a_job_id_that_is_not_a_uuid_fails_the_invocation() {
    byte[] request =
        "{\"jobId\":\"nope\",\"owner\":\"o\",\"payload\":\"{}\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> invoke(request, new TestContext("sim")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UUID");
  }

  private JsonNode invoke(byte[] request, TestContext context) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(request), out, context);
    return JSON.readTree(out.toByteArray());
  }
}
