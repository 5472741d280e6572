package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The raw-socket submit connection against the JDK's HTTP server: what it sends, what it reads. */
class SubmitConnectionTest {
  static final String ID = "6b1f0c1e-1d0a-4d7b-9d1e-3c1a2b3c4d5e";

  HttpServer server;
  final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/submit-job-request",
        exchange -> {
          try (exchange) {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(
                exchange.getRequestHeaders().getFirst("Authorization")
                    + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " "
                    + body);
            boolean refused = body.contains("refuse");
            byte[] answer =
                (refused
                        ? "{\"message\":\"Unauthorized\"}"
                        : "<SendMessageResponse><SendMessageResult><MessageId>"
                            + ID
                            + "</MessageId></SendMessageResult></SendMessageResponse>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(refused ? 401 : 200, answer.length);
            exchange.getResponseBody().write(answer);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void submits_on_one_connection_and_reads_the_job_id_with_the_clients_parser() throws Exception {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try (SubmitConnection connection = new SubmitConnection(base, "id-token")) {
      SubmitConnection.Submitted first = connection.submit("{\"n\":1}");
      SubmitConnection.Submitted refused = connection.submit("{\"refuse\":true}");
      SubmitConnection.Submitted again = connection.submit("{\"n\":2}");

      assertThat(first).isEqualTo(new SubmitConnection.Submitted(200, java.util.Optional.of(ID)));
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.jobId()).isEmpty();
      assertThat(again.jobId()).hasValue(ID);
    }
    assertThat(received)
        .containsExactly(
            "id-token application/json {\"n\":1}",
            "id-token application/json {\"refuse\":true}",
            "id-token application/json {\"n\":2}");
  }
}
