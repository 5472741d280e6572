package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.JobFixtures;
import dev.qbi.runtime.lambda.testing.Repo;
import dev.qbi.runtime.lambda.testing.TestAws;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code DELETE /jobs/{jobId}} fed {@code events/cancel-job.json}, over dynalite, through the
 * handler's environment constructor (the variables of lambda-env.json only).
 */
class CancelJobHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-25T13:20:00Z");

  private final AwsClients aws = TestAws.emulators();
  private APIGatewayV2HTTPEvent sample;
  private Owner owner;
  private JobId sampleId;
  private String tableName;
  private DynamoDbJobTable table;
  private CancelJobHandler handler;

  @BeforeEach
  void setUp() {
    sample = freshSample();
    owner = new Owner((String) sample.getRequestContext().getAuthorizer().getLambda().get("owner"));
    sampleId = JobId.parse(sample.getPathParameters().get("jobId"));
    tableName = TestAws.newJobTable();
    table = new DynamoDbJobTable(aws.dynamoDb(), tableName);
    handler =
        new CancelJobHandler(
            Env.of(
                Map.of("JOB_TABLE_NAME", tableName, "JOB_RETENTION_DAYS", "7"),
                CancelJobHandler.ENV),
            aws);
  }

  @Test
  void a_submitted_job_is_cancelled_and_keeps_the_stacks_retention() throws IOException {
    table.insertIfAbsent(Job.submitted(sampleId, owner, "md5", T0));

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    JsonNode body = JSON.readTree(response.getBody());
    assertThat(body.path("jobStatus").asText()).isEqualTo("cancelled");
    assertThat(body.path("jobId").asText()).isEqualTo(sampleId.toString());
    Job stored = table.find(sampleId).orElseThrow();
    assertThat(stored.status()).isEqualTo(JobStatus.CANCELLED);
    // the write sets the TTL from JOB_RETENTION_DAYS, as every write of the processor does
    Map<String, AttributeValue> item =
        aws.dynamoDb()
            .getItem(
                b ->
                    b.tableName(tableName)
                        .key(Map.of("jobId", AttributeValue.fromS(sampleId.toString()))))
            .item();
    assertThat(Long.parseLong(item.get("expiresAt").n()))
        .isEqualTo(stored.updatedAt().plus(Duration.ofDays(7)).getEpochSecond());
  }

  @Test
  void a_processing_job_is_asked_to_stop() throws IOException {
    Job job = Job.submitted(sampleId, owner, "md5", T0);
    table.insertIfAbsent(job);
    table.update(job.next(JobStatus.PROCESSING, T0, 1, null, null));

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.getBody());
    assertThat(body.path("jobStatus").asText()).isEqualTo("processing");
    assertThat(body.path("cancelRequestedAt").asText()).isNotBlank();
    assertThat(table.find(sampleId).orElseThrow().isCancelRequested()).isTrue();
  }

  @Test
  void a_finished_job_is_409() throws IOException {
    JobFixtures.completed(table, sampleId, owner, T0, "jobs/" + sampleId + ".json");

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(409);
    assertThat(JSON.readTree(response.getBody()).path("message").asText())
        .contains("already complete");
    assertThat(table.find(sampleId).orElseThrow().status()).isEqualTo(JobStatus.COMPLETE);
  }

  @Test
  void another_users_job_is_404_exactly_like_an_unknown_one() throws IOException {
    table.insertIfAbsent(Job.submitted(sampleId, new Owner("someone-else"), "md5", T0));
    String unknown = UUID.randomUUID().toString();
    APIGatewayV2HTTPResponse unknownResponse =
        handler.handleRequest(withJobId(freshSample(), unknown), context());

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(unknownResponse.getStatusCode()).isEqualTo(404);
    assertThat(response.getBody())
        .isEqualTo(unknownResponse.getBody().replace(unknown, sampleId.toString()));
    assertThat(table.find(sampleId).orElseThrow().status()).isEqualTo(JobStatus.SUBMITTED);
  }

  @Test
  void id_that_is_not_a_uuid_is_400_and_no_owner_is_401() throws IOException {
    APIGatewayV2HTTPResponse bad =
        handler.handleRequest(withJobId(freshSample(), "not-a-uuid"), context());
    sample.getRequestContext().getAuthorizer().setLambda(Map.of());
    APIGatewayV2HTTPResponse anonymous = handler.handleRequest(sample, context());

    assertThat(bad.getStatusCode()).isEqualTo(400);
    assertThat(anonymous.getStatusCode()).isEqualTo(401);
    assertThat(JSON.readTree(anonymous.getBody()).path("message").asText())
        .isEqualTo("Unauthorized");
  }

  @Test
  void the_id_is_read_from_the_raw_path_when_the_route_gives_no_parameter() throws IOException {
    table.insertIfAbsent(Job.submitted(sampleId, owner, "md5", T0));
    sample.setPathParameters(null);

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(table.find(sampleId).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
  }

  private static APIGatewayV2HTTPEvent freshSample() {
    return EventLoader.loadApiGatewayHttpEvent(Repo.event("cancel-job.json").toString());
  }

  private static APIGatewayV2HTTPEvent withJobId(APIGatewayV2HTTPEvent event, String id) {
    Map<String, String> params = new HashMap<>(event.getPathParameters());
    params.put("jobId", id);
    event.setPathParameters(params);
    event.setRawPath("/jobs/" + id);
    return event;
  }

  private static TestContext context() {
    return new TestContext("cancel-job");
  }
}
