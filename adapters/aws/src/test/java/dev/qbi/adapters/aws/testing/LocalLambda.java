package dev.qbi.adapters.aws.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A stand-in for Lambda's {@code Invoke} API ({@code POST
 * /2015-03-31/functions/{name}/invocations}, {@code RequestResponse}) on 127.0.0.1, running the
 * deployed {@link Function}s in this JVM as the Lambda service runs a stream handler: the request
 * body in, the function's output back with HTTP 200; an exception becomes a function error ({@code
 * X-Amz-Function-Error: Unhandled}, body {@code {"errorMessage", "errorType", "stackTrace"}} with
 * the exception's class and message, as the Java runtime reports it).
 *
 * <p>Like the service, it checks the request's SigV4 signature (against {@link TestAws}'s dummy
 * credentials, service {@code lambda}): a missing or wrong one is a 403 {@code
 * InvalidSignatureException}. An unknown function is a 404 {@code ResourceNotFoundException}.
 */
public final class LocalLambda implements AutoCloseable {

  /** A function's code: reads the event JSON, writes the answer JSON, or throws. */
  @FunctionalInterface
  public interface Function {
    void handle(InputStream event, OutputStream answer) throws Exception;
  }

  /** One invoke that reached a function. */
  public record Invocation(String function, Map<String, List<String>> headers, byte[] body) {}

  private static final String PREFIX = "/2015-03-31/functions/";
  private static final String SUFFIX = "/invocations";
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,"
              + " ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private final HttpServer server;
  private final AwsCredentialsIdentity credentials;
  private final Map<String, Function> functions = new ConcurrentHashMap<>();
  private final List<Invocation> invocations = new CopyOnWriteArrayList<>();

  private LocalLambda(HttpServer server, AwsCredentialsIdentity credentials) {
    this.server = server;
    this.credentials = credentials;
  }

  /** Listening on a free port of 127.0.0.1, no function deployed. */
  public static LocalLambda start() {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on 127.0.0.1", e);
    }
    LocalLambda lambda =
        new LocalLambda(server, AwsCredentialsIdentity.create(TestAws.ACCESS_KEY, TestAws.SECRET));
    server.createContext("/", lambda::answer);
    server.start();
    return lambda;
  }

  /** What SDK clients and {@code AWS_ENDPOINT_URL_LAMBDA} take. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Deploys (or replaces) the function called {@code name} (a name or an ARN). */
  public LocalLambda deploy(String name, Function function) {
    functions.put(name, function);
    return this;
  }

  /** The invokes that reached a function so far, oldest first. */
  public List<Invocation> invocations() {
    return List.copyOf(invocations);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      if (!"POST".equals(exchange.getRequestMethod())
          || !path.startsWith(PREFIX)
          || !path.endsWith(SUFFIX)) {
        reply(exchange, 404, "UnknownOperationException", Map.of(), "{\"message\":null}");
        return;
      }
      if (!signatureMatches(exchange, body)) {
        reply(
            exchange,
            403,
            "InvalidSignatureException",
            Map.of(),
            "{\"message\":\"The request signature we calculated does not match the signature"
                + " you provided.\"}");
        return;
      }
      String name =
          URLDecoder.decode(
              path.substring(PREFIX.length(), path.length() - SUFFIX.length()),
              StandardCharsets.UTF_8);
      Function function = functions.get(name);
      if (function == null) {
        reply(
            exchange,
            404,
            "ResourceNotFoundException",
            Map.of(),
            "{\"Type\":\"User\",\"message\":\"Function not found: " + name + "\"}");
        return;
      }
      invocations.add(new Invocation(name, Map.copyOf(exchange.getRequestHeaders()), body));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        function.handle(new ByteArrayInputStream(body), out);
      } catch (Exception e) {
        reply(exchange, 200, null, Map.of("X-Amz-Function-Error", "Unhandled"), errorJson(e));
        return;
      }
      reply(exchange, 200, null, Map.of(), out.toString(StandardCharsets.UTF_8));
    }
  }

  private static void reply(
      HttpExchange exchange, int status, String errorType, Map<String, String> headers, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
    if (errorType != null) {
      exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
    }
    headers.forEach(exchange.getResponseHeaders()::add);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  /** The Java runtime's report of an uncaught exception. */
  private static String errorJson(Exception e) {
    return "{\"errorMessage\":"
        + quote(String.valueOf(e.getMessage()))
        + ",\"errorType\":"
        + quote(e.getClass().getName())
        + ",\"stackTrace\":[]}";
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Signs the same request again with the known secret, at its date; the signatures must match. */
  private boolean signatureMatches(HttpExchange exchange, byte[] body) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
    String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
    if (m == null
        || !m.matches()
        || amzDate == null
        || !m.group(1).equals(credentials.accessKeyId())
        || !m.group(4).equals("lambda")) {
      return false;
    }
    SdkHttpFullRequest.Builder request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(URI.create("http://" + exchange.getRequestHeaders().getFirst("Host")))
            .encodedPath(exchange.getRequestURI().getRawPath());
    for (String name : m.group(5).split(";")) {
      List<String> values = exchange.getRequestHeaders().get(name);
      if (values == null) {
        return false;
      }
      request.putHeader(name, values);
    }
    Clock at;
    try {
      at =
          Clock.fixed(
              LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    } catch (RuntimeException e) {
      return false;
    }
    Optional<String> expected =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(credentials)
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, m.group(3))
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, at))
            .request()
            .firstMatchingHeader("Authorization");
    return expected.isPresent() && expected.get().endsWith("Signature=" + m.group(6));
  }
}
