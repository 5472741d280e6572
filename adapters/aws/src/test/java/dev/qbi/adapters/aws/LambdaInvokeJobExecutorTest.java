package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qbi.adapters.aws.testing.LocalLambda;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The Invoke call itself, against a stand-in of Lambda's endpoint on 127.0.0.1 that answers what
 * each test sets: the request's exact shape and signature, and every kind of answer. (The executor
 * contract, through a simulator function, is {@link LambdaInvokeJobExecutorContractTest}.)
 */
class LambdaInvokeJobExecutorTest {

  private static final String FUNCTION =
      "arn:aws:lambda:us-east-1:123456789012:function:simulator:live";
  private static final String COMPLETE =
      "{\"jobStatus\":\"complete\",\"jobPayloadLocation\":\"s3://b/jobs/x.json\","
          + "\"jobPayloadKey\":\"jobs/x.json\",\"jobRequestId\":\"r\"}";

  private HttpServer server;
  private SdkHttpClient http;
  private final AtomicReference<Recorded> last = new AtomicReference<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile Answer answer;
  private final RecordingTracing tracing = new RecordingTracing();
  private final JobHandler.Request request =
      new JobHandler.Request(
          JobId.random(), new Owner("owner-1"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

  private record Recorded(
      String method, String rawPath, Map<String, List<String>> headers, byte[] body) {}

  /** The stand-in's reply; {@code stall} holds it until the test ends. */
  private record Answer(int status, Map<String, String> headers, String body, boolean stall) {
    Answer(int status, Map<String, String> headers, String body) {
      this(status, headers, body, false);
    }
  }

  private record Call(String service, String operation, String region, int status, String id) {}

  private record Traced(Call call, boolean failed) {}

  private static final class RecordingTracing implements CallTracing {
    static final String HEADER =
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0123456789abcdef;Sampled=1";
    final List<Traced> calls = new CopyOnWriteArrayList<>();

    @Override
    public double start() {
      return 1.5;
    }

    @Override
    public Optional<String> traceHeader() {
      return Optional.of(HEADER);
    }

    @Override
    public void record(
        String service,
        String operation,
        String region,
        double start,
        int status,
        String requestId,
        boolean failed) {
      assertThat(start).isEqualTo(1.5);
      calls.add(new Traced(new Call(service, operation, region, status, requestId), failed));
    }
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    http = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    http.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    last.set(
        new Recorded(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            Map.copyOf(exchange.getRequestHeaders()),
            exchange.getRequestBody().readAllBytes()));
    Answer a = answer;
    if (a.stall()) {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
    a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.getResponseHeaders().add("x-amzn-RequestId", "req-1");
    exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private LambdaInvokeJobExecutor executor() {
    return executor(http, endpoint());
  }

  private LambdaInvokeJobExecutor executor(SdkHttpClient client, URI endpoint) {
    return new LambdaInvokeJobExecutor(
        client,
        credentials("AKIDTEST"),
        Region.US_EAST_1,
        endpoint,
        FUNCTION,
        Optional.of(tracing));
  }

  private static AwsCredentialsProvider credentials(String accessKey) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "secret"));
  }

  @Test
  void signed_request_response_invoke_returns_the_simulators_output_key() throws Exception {
    answer = new Answer(200, Map.of(), COMPLETE);

    String key = executor().execute(request);

    assertThat(key).isEqualTo("jobs/x.json");
    Recorded r = last.get();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.rawPath())
        .isEqualTo(
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012"
                + "%3Afunction%3Asimulator%3Alive/invocations");
    assertThat(header(r, "X-Amz-Invocation-Type")).isEqualTo("RequestResponse");
    assertThat(header(r, "Content-Type")).isEqualTo("application/json");
    assertThat(header(r, "Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
        .contains("/us-east-1/lambda/aws4_request");
    JsonNode sent = new ObjectMapper().readTree(r.body());
    assertThat(sent.path("jobId").asText()).isEqualTo(request.jobId().toString());
    assertThat(sent.path("owner").asText()).isEqualTo("owner-1");
    assertThat(sent.path("payload").asText()).isEqualTo("{\"a\":1}");
    assertThat(tracing.calls)
        .containsExactly(
            new Traced(new Call("Lambda", "Invoke", "us-east-1", 200, "req-1"), false));
    assertThat(header(r, "X-Amzn-Trace-Id")).isEqualTo(RecordingTracing.HEADER);
  }

  @Test
  void an_untraced_invoke_sends_no_trace_header() throws Exception {
    answer = new Answer(200, Map.of(), COMPLETE);

    new LambdaInvokeJobExecutor(
            http, credentials("AKIDTEST"), Region.US_EAST_1, endpoint(), FUNCTION)
        .execute(request);

    assertThat(header(last.get(), "X-Amzn-Trace-Id")).isNull();
  }

  @Test
  void the_trace_header_is_not_part_of_the_signature_the_service_checks() throws Exception {
    try (LocalLambda lambda = LocalLambda.start()) {
      lambda.deploy(FUNCTION, (event, out) -> out.write(COMPLETE.getBytes(StandardCharsets.UTF_8)));
      AwsCredentialsProvider good =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(TestAws.ACCESS_KEY, TestAws.SECRET));

      String key =
          new LambdaInvokeJobExecutor(
                  http, good, Region.EU_WEST_1, lambda.endpoint(), FUNCTION, Optional.of(tracing))
              .execute(request);

      assertThat(key).isEqualTo("jobs/x.json");
      assertThat(lambda.invocations().get(0).headers().get("X-amzn-trace-id"))
          .containsExactly(RecordingTracing.HEADER);
    }
  }

  @Test
  void the_signature_is_one_the_service_accepts_and_a_wrong_secret_is_refused() throws Exception {
    try (LocalLambda lambda = LocalLambda.start()) {
      lambda.deploy(FUNCTION, (event, out) -> out.write(COMPLETE.getBytes(StandardCharsets.UTF_8)));
      AwsCredentialsProvider good =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(TestAws.ACCESS_KEY, TestAws.SECRET));
      AwsCredentialsProvider bad =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(TestAws.ACCESS_KEY, "not-" + TestAws.SECRET));

      String key =
          new LambdaInvokeJobExecutor(http, good, Region.EU_WEST_1, lambda.endpoint(), FUNCTION)
              .execute(request);

      assertThat(key).isEqualTo("jobs/x.json");
      assertThatThrownBy(
              () ->
                  new LambdaInvokeJobExecutor(
                          http, bad, Region.EU_WEST_1, lambda.endpoint(), FUNCTION)
                      .execute(request))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("403")
          .hasMessageContaining("InvalidSignatureException");
      assertThat(lambda.invocations()).hasSize(1);
    }
  }

  @Test
  void a_path_in_the_endpoint_is_kept_as_a_prefix() throws Exception {
    answer = new Answer(200, Map.of(), COMPLETE);

    executor(http, URI.create(endpoint() + "/lambda-proxy/")).execute(request);

    assertThat(last.get().rawPath()).startsWith("/lambda-proxy/2015-03-31/functions/arn%3Aaws");
  }

  @Test
  void function_error_keeps_the_functions_error_type_and_message() {
    answer =
        new Answer(
            200,
            Map.of("X-Amz-Function-Error", "Unhandled"),
            "{\"errorType\":\"java.lang.IllegalStateException\",\"errorMessage\":\"boom\","
                + "\"stackTrace\":[]}");

    assertThatThrownBy(() -> executor().execute(request))
        .isInstanceOf(LambdaFunctionException.class)
        .hasMessage("java.lang.IllegalStateException: boom")
        .satisfies(
            e ->
                assertThat(((LambdaFunctionException) e).errorType())
                    .isEqualTo("java.lang.IllegalStateException"));
    assertThat(tracing.calls)
        .containsExactly(
            new Traced(new Call("Lambda", "Invoke", "us-east-1", 200, "req-1"), false));
  }

  @Test
  void function_error_without_a_usable_payload_still_fails_the_attempt() {
    Map<String, String> expected =
        Map.of(
            "", "FunctionError: (no error payload)",
            "null", "FunctionError: (no error payload)",
            "not json", "FunctionError: (unreadable error payload)",
            "[1]", "FunctionError: (unreadable error payload)",
            "{}", "FunctionError: (no message)",
            "{\"errorType\":\"Timeout\"}", "Timeout: (no message)",
            "{\"errorMessage\":\"Task timed out\"}", "FunctionError: Task timed out");
    expected.forEach(
        (body, message) -> {
          answer = new Answer(200, Map.of("X-Amz-Function-Error", "Unhandled"), body);

          assertThatThrownBy(() -> executor().execute(request))
              .as(body)
              .isInstanceOf(LambdaFunctionException.class)
              .hasMessage(message);
        });
  }

  @Test
  void an_answer_that_is_not_the_response_json_fails_the_attempt() {
    for (String body : new String[] {"", "null-ish garbage", "null", "[]", "\"complete\"", "{"}) {
      answer = new Answer(200, Map.of(), body);

      assertThatThrownBy(() -> executor().execute(request))
          .as(body)
          .isInstanceOf(LambdaFunctionException.class)
          .satisfies(
              e ->
                  assertThat(((LambdaFunctionException) e).errorType())
                      .isEqualTo(LambdaInvokeJobExecutor.INVALID_RESPONSE));
    }
  }

  @Test
  void an_answer_without_complete_status_and_key_fails_the_attempt() {
    for (String body :
        new String[] {
          "{\"jobStatus\":\"failed\",\"jobPayloadKey\":\"jobs/x.json\"}",
          "{\"jobStatus\":\"complete\"}",
          "{\"jobStatus\":\"complete\",\"jobPayloadKey\":\" \"}"
        }) {
      answer = new Answer(200, Map.of(), body);

      assertThatThrownBy(() -> executor().execute(request))
          .as(body)
          .isInstanceOf(LambdaFunctionException.class)
          .hasMessageStartingWith("InvalidResponse: simulator answered jobStatus=");
    }
  }

  @Test
  void a_service_error_is_a_storage_failure_naming_the_status_and_error_type() {
    answer = new Answer(429, Map.of("x-amzn-ErrorType", "TooManyRequestsException"), "{}");

    assertThatThrownBy(() -> executor().execute(request))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(FUNCTION)
        .hasMessageContaining(request.jobId().toString())
        .hasMessageContaining("429")
        .hasMessageContaining("TooManyRequestsException");
    assertThat(tracing.calls)
        .containsExactly(new Traced(new Call("Lambda", "Invoke", "us-east-1", 429, "req-1"), true));
  }

  @Test
  void an_unknown_function_is_a_storage_failure() {
    answer =
        new Answer(
            404,
            Map.of("x-amzn-ErrorType", "ResourceNotFoundException"),
            "{\"Type\":\"User\",\"message\":\"Function not found: " + FUNCTION + "\"}");

    assertThatThrownBy(() -> executor().execute(request))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("404 (ResourceNotFoundException)");
  }

  @Test
  void an_unreachable_endpoint_is_a_storage_failure() {
    server.stop(0);

    assertThatThrownBy(() -> executor().execute(request))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(FUNCTION)
        .hasCauseInstanceOf(IOException.class);
    assertThat(tracing.calls)
        .containsExactly(new Traced(new Call("Lambda", "Invoke", "us-east-1", 0, null), true));
  }

  @Test
  void a_function_slower_than_the_read_timeout_is_a_storage_failure() {
    answer = new Answer(200, Map.of(), COMPLETE, true);
    try (SdkHttpClient impatient =
        UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMillis(300)).build()) {
      long started = System.nanoTime();

      assertThatThrownBy(() -> executor(impatient, endpoint()).execute(request))
          .isInstanceOf(StorageException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void credentials_that_cannot_be_found_are_a_storage_failure_and_nothing_is_sent() {
    answer = new Answer(200, Map.of(), COMPLETE);
    AwsCredentialsProvider none =
        () -> {
          throw SdkClientException.create("Unable to load credentials from any of the providers");
        };

    assertThatThrownBy(
            () ->
                new LambdaInvokeJobExecutor(http, none, Region.US_EAST_1, endpoint(), FUNCTION)
                    .execute(request))
        .isInstanceOf(StorageException.class)
        .hasCauseInstanceOf(SdkClientException.class);
    assertThat(last.get()).isNull();
  }

  @Test
  void create_resolves_the_endpoint_and_credentials_as_the_sdk_does() throws Exception {
    answer = new Answer(200, Map.of(), COMPLETE);
    Map<String, String> settings =
        Map.of(
            "aws.endpointUrlLambda", endpoint().toString(),
            "aws.accessKeyId", "AKIDFROMPROPS",
            "aws.secretAccessKey", "secret");
    settings.forEach(System::setProperty);
    try {
      String key =
          LambdaInvokeJobExecutor.create(
                  Region.EU_CENTRAL_1, "simulator", Duration.ofSeconds(70), Optional.empty())
              .execute(request);

      assertThat(key).isEqualTo("jobs/x.json");
      assertThat(last.get().rawPath()).isEqualTo("/2015-03-31/functions/simulator/invocations");
      assertThat(header(last.get(), "Authorization"))
          .startsWith("AWS4-HMAC-SHA256 Credential=AKIDFROMPROPS/")
          .contains("/eu-central-1/lambda/aws4_request");
    } finally {
      settings.keySet().forEach(System::clearProperty);
    }
  }

  @Test
  void create_refuses_a_read_timeout_beyond_what_a_function_may_run() {
    assertThatThrownBy(
            () ->
                LambdaInvokeJobExecutor.create(
                    Region.EU_CENTRAL_1, "simulator", Duration.ofMinutes(16), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                LambdaInvokeJobExecutor.create(
                    Region.EU_CENTRAL_1, "simulator", Duration.ZERO, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_function_name_is_required() {
    assertThatThrownBy(
            () ->
                new LambdaInvokeJobExecutor(
                    http, credentials("AKIDTEST"), Region.US_EAST_1, endpoint(), " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String header(Recorded r, String name) {
    return r.headers().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(e -> e.getValue().get(0))
        .findFirst()
        .orElse(null);
  }
}
