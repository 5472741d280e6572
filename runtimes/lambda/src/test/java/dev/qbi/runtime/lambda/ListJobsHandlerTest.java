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
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.JobFixtures;
import dev.qbi.runtime.lambda.testing.Repo;
import dev.qbi.runtime.lambda.testing.TestAws;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /jobs} fed {@code events/list-jobs.json}, over dynalite. */
class ListJobsHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private final AwsClients aws = TestAws.emulators();
  private APIGatewayV2HTTPEvent sample;
  private Owner owner;
  private DynamoDbJobTable table;
  private ListJobsHandler handler;
  private final List<JobId> completeNewestFirst = new ArrayList<>();

  @BeforeEach
  void setUp() {
    sample = EventLoader.loadApiGatewayHttpEvent(Repo.event("list-jobs.json").toString());
    owner = new Owner((String) sample.getRequestContext().getAuthorizer().getLambda().get("owner"));
    String tableName = TestAws.newJobTable();
    table = new DynamoDbJobTable(aws.dynamoDb(), tableName);
    handler =
        new ListJobsHandler(Env.of(Map.of("JOB_TABLE_NAME", tableName), ListJobsHandler.ENV), aws);
    for (int i = 0; i < 4; i++) {
      JobId id = JobId.random();
      Instant at = T0.plusSeconds(i * 60L);
      if (i % 2 == 0) {
        JobFixtures.completed(table, id, owner, at, "k");
        completeNewestFirst.add(0, id);
      } else {
        table.insertIfAbsent(Job.submitted(id, owner, "md5", at));
      }
    }
    table.insertIfAbsent(Job.submitted(JobId.random(), new Owner("someone-else"), "md5", T0));
  }

  @Test
  void sample_event_lists_the_callers_complete_jobs_newest_first() throws IOException {
    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.getBody());
    assertThat(ids(body)).containsExactlyElementsOf(strings(completeNewestFirst));
    assertThat(body.path("jobs").path(0).path("jobStatus").asText()).isEqualTo("complete");
    assertThat(body.has("next")).isFalse();
  }

  @Test
  void pages_follow_the_next_cursor_and_never_show_other_users_jobs() throws IOException {
    List<String> seen = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      Map<String, String> query = new HashMap<>(Map.of("limit", "3"));
      if (next != null) {
        query.put("next", next);
      }
      sample.setQueryStringParameters(query);
      JsonNode body = JSON.readTree(handler.handleRequest(sample, context()).getBody());
      seen.addAll(ids(body));
      next = body.has("next") ? body.path("next").asText() : null;
      pages++;
    } while (next != null && pages < 5);

    assertThat(seen).hasSize(4).doesNotHaveDuplicates();
    assertThat(pages).isGreaterThanOrEqualTo(2);
  }

  @Test
  void limit_that_is_not_a_number_is_400() throws IOException {
    sample.setQueryStringParameters(Map.of("limit", "ten"));

    APIGatewayV2HTTPResponse response = handler.handleRequest(sample, context());

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.getBody()).path("message").asText())
        .isEqualTo("limit must be a number");
  }

  @Test
  void unknown_status_is_400() {
    sample.setQueryStringParameters(Map.of("status", "done"));

    assertThat(handler.handleRequest(sample, context()).getStatusCode()).isEqualTo(400);
  }

  private static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.path("jobs").forEach(j -> ids.add(j.path("jobId").asText()));
    return ids;
  }

  private static List<String> strings(List<JobId> ids) {
    return ids.stream().map(JobId::toString).toList();
  }

  private static TestContext context() {
    return new TestContext("list-jobs");
  }
}
