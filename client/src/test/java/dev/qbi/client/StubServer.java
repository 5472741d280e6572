package dev.qbi.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The JDK's HTTP server on a loopback port, answering what the test says and recording requests.
 */
final class StubServer implements AutoCloseable {

  /** One request as the stub saw it. */
  record Request(
      String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
    Optional<String> header(String name) {
      List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
      return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What the stub answers. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    static Answer json(int status, String json) {
      return new Answer(
          status,
          Map.of("Content-Type", "application/json"),
          json.getBytes(StandardCharsets.UTF_8));
    }

    static Answer text(int status, String contentType, String text) {
      return new Answer(
          status, Map.of("Content-Type", contentType), text.getBytes(StandardCharsets.UTF_8));
    }

    static Answer empty(int status, Map<String, String> headers) {
      return new Answer(status, headers, new byte[0]);
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  private StubServer(HttpServer server) {
    this.server = server;
  }

  static StubServer start(Function<Request, Answer> answers) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    StubServer stub = new StubServer(server);
    server.createContext("/", exchange -> stub.handle(exchange, answers));
    server.start();
    return stub;
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  Request only() {
    if (requests.size() != 1) {
      throw new AssertionError("expected one request, got " + requests);
    }
    return requests.getFirst();
  }

  private void handle(HttpExchange exchange, Function<Request, Answer> answers) throws IOException {
    try (exchange) {
      Map<String, List<String>> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
      URI uri = exchange.getRequestURI();
      Request request =
          new Request(
              exchange.getRequestMethod(),
              uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
              headers,
              exchange.getRequestBody().readAllBytes());
      requests.add(request);
      Answer answer = answers.apply(request);
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      exchange.sendResponseHeaders(
          answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
      exchange.getResponseBody().write(answer.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
