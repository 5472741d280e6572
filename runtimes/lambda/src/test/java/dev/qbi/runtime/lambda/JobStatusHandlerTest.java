package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.S3PayloadStore;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.JobFixtures;
import dev.qbi.runtime.lambda.testing.Repo;
import dev.qbi.runtime.lambda.testing.TestAws;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /job-status/{jobId}} fed {@code events/job-status.json}, over dynalite and S3Mock,
 * through the handler's environment constructor (the variables of lambda-env.json only).
 */
class JobStatusHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-25T13:20:00Z");

  private final AwsClients aws = TestAws.emulators();
  private APIGatewayV2HTTPEvent sample;
  private Owner owner;
  private JobId sampleId;
  private DynamoDbJobTable table;
  private S3PayloadStore payloads;
  private JobStatusHandler handler;

  @BeforeEach
  void setUp() {
    sample = freshSample();
    owner = new Owner((String) sample.getRequestContext().getAuthorizer().getLambda().get("owner"));
    sampleId = JobId.parse(sample.getPathParameters().get("jobId"));
    String tableName = TestAws.newJobTable();
    table = new DynamoDbJobTable(aws.dynamoDb(), tableName);
    payloads = new S3PayloadStore(aws.s3(), aws.s3Presigner(), LocalS3.BUCKET);
    handler =
        new JobStatusHandler(
            Env.of(
                Map.of(
                    "JOB_TABLE_NAME",
                    tableName,
                    "PAYLOAD_BUCKET",
                    LocalS3.BUCKET,
                    "LINK_TTL_SECONDS",
                    "600"),
                JobStatusHandler.ENV),
            aws);
  }

  @Test
  void complete_job_has_both_link_names_and_the_link_downloads_the_output_over_plain_http()
      throws Exception {
    byte[] output = "{\"weatherData\":[]}".getBytes(StandardCharsets.UTF_8);
    String key = "jobs/" + sampleId + ".json";
    payloads.put(key, output, "application/json");
    complete(sampleId, owner, key);

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    JsonNode body = JSON.readTree(response.getBody());
    assertThat(body.path("jobStatus").asText()).isEqualTo("complete");
    assertThat(body.path("jobId").asText()).isEqualTo(sampleId.toString());
    assertThat(body.path("jobRequestId").asText()).isEqualTo(sampleId.toString());
    String link = body.path("jobProcessedPayload").asText();
    assertThat(body.path("jobProcessedPayloadLink").asText()).isEqualTo(link);
    assertThat(link).contains("X-Amz-Expires=600").contains("X-Amz-Signature=");
    HttpResponse<byte[]> download =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(link)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(output);
  }

  @Test
  void submitted_job_has_no_link() throws IOException {
    table.insertIfAbsent(Job.submitted(sampleId, owner, "md5", T0));

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.getBody());
    assertThat(body.path("jobStatus").asText()).isEqualTo("submitted");
    assertThat(body.has("jobProcessedPayload")).isFalse();
    assertThat(body.has("jobProcessedPayloadLink")).isFalse();
  }

  @Test
  void unknown_job_is_404_with_the_original_error_body() throws IOException {
    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(JSON.readTree(response.getBody()))
        .isEqualTo(
            JSON.createObjectNode()
                .put("Error Message", "No Job data found for Job Id : " + sampleId));
  }

  @Test
  void another_users_job_is_404_exactly_like_an_unknown_one() throws IOException {
    complete(sampleId, new Owner("someone-else"), "jobs/" + sampleId + ".json");
    String unknown = UUID.randomUUID().toString();
    APIGatewayV2HTTPResponse unknownResponse =
        handler.handleRequest(withJobId(freshSample(), unknown), context());

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(unknownResponse.getStatusCode()).isEqualTo(404);
    assertThat(response.getBody())
        .isEqualTo(unknownResponse.getBody().replace(unknown, sampleId.toString()));
  }

  @Test
  void id_that_is_not_a_uuid_is_400() throws IOException {
    APIGatewayV2HTTPResponse response =
        handler.handleRequest(withJobId(sample, "not-a-uuid"), context());

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.getBody()).path("message").asText())
        .isEqualTo("Job Id must be a UUID");
  }

  @Test
  void request_without_the_authorizers_owner_is_401() throws IOException {
    sample.getRequestContext().getAuthorizer().setLambda(Map.of());

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.getBody()).path("message").asText())
        .isEqualTo("Unauthorized");
  }

  private void complete(JobId id, Owner who, String key) {
    JobFixtures.completed(table, id, who, T0, key);
  }

  private static APIGatewayV2HTTPEvent freshSample() {
    return EventLoader.loadApiGatewayHttpEvent(Repo.event("job-status.json").toString());
  }

  private static APIGatewayV2HTTPEvent withJobId(APIGatewayV2HTTPEvent event, String id) {
    Map<String, String> params = new HashMap<>(event.getPathParameters());
    params.put("jobId", id);
    event.setPathParameters(params);
    event.setRawPath("/job-status/" + id);
    return event;
  }

  private static TestContext context() {
    return new TestContext("job-status");
  }
}
