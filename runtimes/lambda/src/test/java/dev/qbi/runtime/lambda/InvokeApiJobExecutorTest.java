package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qbi.adapters.aws.LambdaFunctionException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/** The Invoke API call against a stand-in Lambda endpoint on 127.0.0.1. */
class InvokeApiJobExecutorTest {

  private static final String FUNCTION =
      "arn:aws:lambda:us-east-1:123456789012:function:simulator:live";

  private HttpServer server;
  private final AtomicReference<Recorded> last = new AtomicReference<>();
  private volatile Answer answer;
  private InvokeApiJobExecutor executor;
  private final JobHandler.Request request =
      new JobHandler.Request(
          JobId.random(), new Owner("owner-1"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

  private record Recorded(
      String method, String rawPath, Map<String, List<String>> headers, byte[] body) {}

  private record Answer(int status, Map<String, String> headers, String body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
    executor =
        new InvokeApiJobExecutor(
            UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(10)).build(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")),
            Region.US_EAST_1,
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            FUNCTION);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    last.set(
        new Recorded(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            Map.copyOf(exchange.getRequestHeaders()),
            exchange.getRequestBody().readAllBytes()));
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(answer.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void signed_request_response_invoke_returns_the_simulators_output_key() throws Exception {
    answer =
        new Answer(
            200,
            Map.of(),
            "{\"jobStatus\":\"complete\",\"jobPayloadLocation\":\"s3://b/jobs/x.json\","
                + "\"jobPayloadKey\":\"jobs/x.json\",\"jobRequestId\":\"r\"}");

    String key = executor.execute(request);

    assertThat(key).isEqualTo("jobs/x.json");
    Recorded r = last.get();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.rawPath())
        .isEqualTo(
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012"
                + "%3Afunction%3Asimulator%3Alive/invocations");
    assertThat(header(r, "X-Amz-Invocation-Type")).isEqualTo("RequestResponse");
    assertThat(header(r, "Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
        .contains("/us-east-1/lambda/aws4_request");
    JsonNode sent = new ObjectMapper().readTree(r.body());
    assertThat(sent.path("jobId").asText()).isEqualTo(request.jobId().toString());
    assertThat(sent.path("owner").asText()).isEqualTo("owner-1");
    assertThat(sent.path("payload").asText()).isEqualTo("{\"a\":1}");
  }

  @Test
  void function_error_keeps_the_functions_error_type_and_message() {
    answer =
        new Answer(
            200,
            Map.of("X-Amz-Function-Error", "Unhandled"),
            "{\"errorType\":\"java.lang.IllegalStateException\",\"errorMessage\":\"boom\"}");

    assertThatThrownBy(() -> executor.execute(request))
        .isInstanceOf(LambdaFunctionException.class)
        .hasMessage("java.lang.IllegalStateException: boom");
  }

  @Test
  void service_error_is_a_storage_failure_naming_the_status() {
    answer = new Answer(429, Map.of("x-amzn-ErrorType", "TooManyRequestsException"), "{}");

    assertThatThrownBy(() -> executor.execute(request))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("429")
        .hasMessageContaining("TooManyRequestsException");
  }

  @Test
  void answer_without_an_output_key_fails_the_attempt() {
    answer = new Answer(200, Map.of(), "{\"jobStatus\":\"complete\"}");

    assertThatThrownBy(() -> executor.execute(request))
        .isInstanceOf(LambdaFunctionException.class)
        .hasMessageContaining("InvalidResponse");
  }

  @Test
  void unreachable_endpoint_is_a_storage_failure() {
    server.stop(0);

    assertThatThrownBy(() -> executor.execute(request)).isInstanceOf(StorageException.class);
  }

  private static String header(Recorded r, String name) {
    return r.headers().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(e -> e.getValue().get(0))
        .findFirst()
        .orElse(null);
  }
}
