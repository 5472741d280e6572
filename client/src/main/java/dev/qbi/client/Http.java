package dev.qbi.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** What both clients share: the JSON mapper, the default HTTP client and one way to send. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private Http() {}

  /**
   * HTTP/1.1 (no h2c upgrade attempt against a plain-http server), pooled keep-alive connections,
   * no redirects followed.
   */
  static HttpClient defaultClient() {
    return client(null);
  }

  /** {@link #defaultClient()} trusting what {@code trust} does; {@code null}: the JDK default. */
  static HttpClient client(SSLContext trust) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(DEFAULT_CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (trust != null) {
      b.sslContext(trust);
    }
    return b.build();
  }

  static RawResponse send(HttpClient http, HttpRequest request)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new RawResponse(response.statusCode(), response.headers().map(), response.body());
  }

  /** The body as JSON; an empty body is an empty object. */
  static JsonNode json(RawResponse response, String what) throws IOException {
    byte[] body = response.body();
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IOException(
          what + " answered HTTP " + response.statusCode() + " with a body that is not JSON", e);
    }
  }
}
