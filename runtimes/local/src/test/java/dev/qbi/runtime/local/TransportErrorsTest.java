package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.runtime.local.api.ApiErrors;
import dev.qbi.runtime.local.testing.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Every error the server sends has the API's JSON body, Helidon's own included (unknown route,
 * request line too long, headers too large, not HTTP/1.1, body over the limit); a client that goes
 * away mid-request is one line in the log at debug, not a stack trace.
 */
class TransportErrorsTest {
  @TempDir static Path dataDir;
  static final ObjectMapper JSON = new ObjectMapper();
  static RunningServer running;
  static String token;

  @BeforeAll
  static void start() {
    running = RunningServer.start(dataDir);
    token = running.newUserToken();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  /** A raw exchange: what the server answers to these bytes. */
  private static String exchange(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), running.server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readResponse(s.getInputStream());
    }
  }

  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) != -1) {
      head.append((char) b);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static void assertJsonError(String response, int status) throws IOException {
    assertThat(response).startsWith("HTTP/1.1 " + status + " ");
    assertThat(response.toLowerCase(Locale.ROOT)).contains("content-type: application/json");
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    assertThat(JSON.readTree(body).path("message").asText()).as(body).isNotBlank();
  }

  @Test
  void an_unknown_route_is_a_json_404() throws IOException {
    assertJsonError(exchange("GET /no-such-route HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
    assertJsonError(exchange("PUT /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), 404);
  }

  @Test
  void a_request_line_too_long_is_a_json_414() throws IOException {
    String path = "/health?" + "a".repeat(5_000);
    assertJsonError(exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  }

  @Test
  void a_garbled_request_is_a_json_400() throws IOException {
    assertJsonError(exchange("GARBAGE\r\n\r\n"), 400);
    assertJsonError(
        exchange("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400);
  }

  @Test
  void headers_too_large_are_a_json_4xx() throws IOException {
    String response =
        exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    int status = Integer.parseInt(response.substring(9, 12));
    assertThat(status).isIn(400, 431);
    assertJsonError(response, status);
  }

  @Test
  void http_1_0_is_a_json_505() throws IOException {
    assertJsonError(exchange("GET /health HTTP/1.0\r\n\r\n"), 505);
  }

  @Test
  void a_body_over_the_servers_limit_is_a_json_413() throws IOException {
    int size = 300 * 1024;
    String response =
        exchange(
            "POST /submit-job-request HTTP/1.1\r\nHost: x\r\nAuthorization: "
                + token
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + size
                + "\r\n\r\n"
                + "x".repeat(size));
    assertJsonError(response, 413);
  }

  @Test
  void a_client_gone_mid_request_is_one_debug_line_not_a_stack_trace() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger apiErrors = (Logger) LoggerFactory.getLogger(ApiErrors.class);
    Level before = apiErrors.getLevel();
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    apiErrors.setLevel(Level.DEBUG);
    try {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), running.server.port())) {
        s.getOutputStream()
            .write(
                ("POST /submit-job-request HTTP/1.1\r\nHost: x\r\nAuthorization: "
                        + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                        + "{\"a\":")
                    .getBytes(StandardCharsets.UTF_8));
        Thread.sleep(300);
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (aborted(events.list).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<ILoggingEvent> lines = aborted(events.list);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).getLevel()).isEqualTo(Level.DEBUG);
      assertThat(lines.get(0).getThrowableProxy()).isNull();
      assertThat(events.list)
          .as("nothing above debug, no stack trace")
          .allSatisfy(
              e -> {
                assertThat(e.getLevel().isGreaterOrEqual(Level.WARN)).as(e.toString()).isFalse();
                assertThat(e.getThrowableProxy()).as(e.toString()).isNull();
              });
      // and the server is fine
      assertThat(running.client.health().status()).isEqualTo("UP");
    } finally {
      root.detachAppender(events);
      apiErrors.setLevel(before);
    }
  }

  private static List<ILoggingEvent> aborted(List<ILoggingEvent> events) {
    return List.copyOf(events).stream()
        .filter(e -> e.getFormattedMessage().contains("the client went away"))
        .toList();
  }
}
