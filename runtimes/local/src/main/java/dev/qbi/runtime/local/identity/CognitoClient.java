package dev.qbi.runtime.local.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A minimal client of the Cognito user-pool JSON protocol for the CLI commands and the benchmark:
 * works against the local server and against real Cognito ({@code
 * https://cognito-idp.REGION.amazonaws.com/}) for the unauthenticated actions.
 */
public final class CognitoClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final HttpClient http;

  public CognitoClient(String endpoint) {
    URI uri = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("endpoint must be an http(s) URL: " + endpoint);
    }
    this.endpoint = uri;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public static ObjectNode body() {
    return JSON.createObjectNode();
  }

  /**
   * Calls {@code action} and returns the JSON answer.
   *
   * @throws Failure for a Cognito error answer, with its {@code __type} and message
   * @throws IOException when the endpoint cannot be reached or answers something else
   */
  public JsonNode call(String action, ObjectNode body)
      throws IOException, InterruptedException, Failure {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", CognitoService.AMZ_JSON)
            .header("X-Amz-Target", CognitoService.TARGET_PREFIX + action)
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    JsonNode answer;
    try {
      byte[] bytes = response.body();
      answer = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IOException(
          endpoint + " answered HTTP " + response.statusCode() + " with a body that is not JSON");
    }
    if (response.statusCode() == 200) {
      return answer;
    }
    String type = answer.path("__type").asText("");
    if (type.isEmpty()) {
      type =
          response.headers().firstValue("x-amzn-ErrorType").orElse("HTTP " + response.statusCode());
    }
    int hash = type.lastIndexOf('#');
    if (hash >= 0) {
      type = type.substring(hash + 1);
    }
    String message = answer.path("message").asText(answer.path("Message").asText(""));
    throw new Failure(type, message);
  }

  /** An error answer from the user pool. */
  public static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String type;

    Failure(String type, String message) {
      super(message);
      this.type = type;
    }

    String type() {
      return type;
    }

    @Override
    public String toString() {
      return type + ": " + getMessage();
    }
  }
}
