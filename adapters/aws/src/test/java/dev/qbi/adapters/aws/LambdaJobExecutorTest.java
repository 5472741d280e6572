package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The synchronous invoke of the simulator function, against a stand-in of Lambda's Invoke REST
 * endpoint: here the exact request and response shapes are the point.
 */
class LambdaJobExecutorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FUNCTION = "qbi-batch-simulator";

  private HttpServer lambdaApi;
  private AwsClients aws;
  private final AtomicReference<Recorded> lastCall = new AtomicReference<>();
  private volatile Reply reply;

  record Recorded(String method, String path, Map<String, String> headers, byte[] body) {}

  record Reply(int status, Map<String, String> headers, String body) {}

  @BeforeEach
  void startFakeLambda() throws IOException {
    lambdaApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    lambdaApi.createContext("/", this::answer);
    lambdaApi.start();
    aws =
        TestAws.clients()
            .lambdaEndpoint(URI.create("http://127.0.0.1:" + lambdaApi.getAddress().getPort()))
            .build();
  }

  @AfterEach
  void stop() {
    aws.close();
    lambdaApi.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    lastCall.set(
        new Recorded(
            ex.getRequestMethod(),
            ex.getRequestURI().getRawPath(),
            Map.of(
                "X-Amz-Invocation-Type",
                String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))),
            body));
    Reply r = reply;
    byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
    r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(r.status(), out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  private JobHandler.Request request(String body) {
    return new JobHandler.Request(
        JobId.random(), new Owner("alice"), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void invokes_the_simulator_synchronously_with_the_job_and_returns_the_output_key()
      throws Exception {
    JobHandler.Request job = request("{ \"city\": \"Zürich\" }");
    reply =
        new Reply(
            200,
            Map.of(),
            "{\"jobStatus\":\"complete\",\"jobPayloadLocation\":\"bucket\","
                + "\"jobPayloadKey\":\"jobs/"
                + job.jobId()
                + ".json\",\"jobRequestId\":\"r-1\"}");

    String key = new LambdaJobExecutor(aws.lambda(), FUNCTION).execute(job);

    assertThat(key).isEqualTo("jobs/" + job.jobId() + ".json");
    Recorded call = lastCall.get();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEqualTo("/2015-03-31/functions/" + FUNCTION + "/invocations");
    assertThat(call.headers()).containsEntry("X-Amz-Invocation-Type", "RequestResponse");
    JsonNode sent = JSON.readTree(call.body());
    assertThat(sent.get("jobId").asText()).isEqualTo(job.jobId().toString());
    assertThat(sent.get("owner").asText()).isEqualTo("alice");
    assertThat(sent.get("payload").asText()).isEqualTo("{ \"city\": \"Zürich\" }");
  }

  @Test
  void function_error_fails_the_attempt_with_the_functions_error_type_and_message() {
    reply =
        new Reply(
            200,
            Map.of("X-Amz-Function-Error", "Unhandled"),
            "{\"errorMessage\":\"simulated outage\",\"errorType\":"
                + "\"java.lang.IllegalStateException\",\"stackTrace\":[]}");

    assertThatThrownBy(() -> new LambdaJobExecutor(aws.lambda(), FUNCTION).execute(request("{}")))
        .isInstanceOf(LambdaFunctionException.class)
        .hasMessage("java.lang.IllegalStateException: simulated outage")
        .satisfies(
            e ->
                assertThat(((LambdaFunctionException) e).errorType())
                    .isEqualTo("java.lang.IllegalStateException"));
  }

  @Test
  void an_answer_without_complete_status_and_key_fails_the_attempt() {
    reply = new Reply(200, Map.of(), "{\"jobStatus\":\"failed\"}");

    assertThatThrownBy(() -> new LambdaJobExecutor(aws.lambda(), FUNCTION).execute(request("{}")))
        .isInstanceOf(LambdaFunctionException.class)
        .hasMessageContaining("jobStatus=failed");
  }

  @Test
  void an_answer_that_is_not_the_response_json_fails_the_attempt() {
    for (String answer : new String[] {"null-ish garbage", "null", "[]", "\"complete\""}) {
      reply = new Reply(200, Map.of(), answer);

      assertThatThrownBy(() -> new LambdaJobExecutor(aws.lambda(), FUNCTION).execute(request("{}")))
          .as(answer)
          .isInstanceOf(LambdaFunctionException.class);
    }
  }

  @Test
  void an_unknown_function_is_a_storage_error() {
    reply =
        new Reply(
            404,
            Map.of("x-amzn-ErrorType", "ResourceNotFoundException"),
            "{\"Type\":\"User\",\"message\":\"Function not found: " + FUNCTION + "\"}");

    assertThatThrownBy(() -> new LambdaJobExecutor(aws.lambda(), FUNCTION).execute(request("{}")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(FUNCTION);
  }

  @Test
  void simulator_request_round_trips_the_body_byte_for_byte() throws Exception {
    JobHandler.Request job = request("{\"a\":\"\\u00e9 é\",\n \"b\": [1, 2.50]}");

    byte[] wire = SimulatorProtocol.write(SimulatorProtocol.Request.of(job));
    JobHandler.Request back = SimulatorProtocol.readRequest(wire).toJobRequest();

    assertThat(back.jobId()).isEqualTo(job.jobId());
    assertThat(back.owner()).isEqualTo(job.owner());
    assertThat(back.payload()).isEqualTo(job.payload());
  }

  @Test
  void simulator_request_without_an_id_is_refused() throws Exception {
    SimulatorProtocol.Request bad =
        SimulatorProtocol.readRequest("{\"owner\":\"a\",\"payload\":\"{}\"}".getBytes());

    assertThatThrownBy(bad::toJobRequest).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void simulator_response_has_the_originals_field_names() throws Exception {
    JsonNode json =
        JSON.readTree(
            SimulatorProtocol.write(SimulatorProtocol.Response.complete("b", "jobs/x.json", "r")));

    assertThat(json.get("jobStatus").asText()).isEqualTo("complete");
    assertThat(json.get("jobPayloadLocation").asText()).isEqualTo("b");
    assertThat(json.get("jobPayloadKey").asText()).isEqualTo("jobs/x.json");
    assertThat(json.get("jobRequestId").asText()).isEqualTo("r");
  }
}
