package dev.qbi.runtime.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP client for the API and the Cognito-protocol identity provider, as a user's client
 * would talk to them.
 */
public final class ApiClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String PASSWORD = "Corr3ct-Horse!";
  private static final Pattern MESSAGE_ID = Pattern.compile("<MessageId>([^<]+)</MessageId>");

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ApiClient(URI base) {
    this.base = base;
  }

  public URI base() {
    return base;
  }

  /** Signs up, admin-confirms and logs in a user; returns the IdToken. */
  public String newUser(String username, String clientId, String poolId) {
    cognito(
        "SignUp",
        Map.of(
            "ClientId", clientId,
            "Username", username,
            "Password", PASSWORD,
            "UserAttributes", new Object[] {Map.of("Name", "email", "Value", username)}));
    cognito("AdminConfirmSignUp", Map.of("UserPoolId", poolId, "Username", username));
    return login(username, clientId);
  }

  public String login(String username, String clientId) {
    JsonNode auth =
        cognito(
            "InitiateAuth",
            Map.of(
                "ClientId",
                clientId,
                "AuthFlow",
                "USER_PASSWORD_AUTH",
                "AuthParameters",
                Map.of("USERNAME", username, "PASSWORD", PASSWORD)));
    return auth.path("AuthenticationResult").path("IdToken").asText();
  }

  public JsonNode cognito(String action, Map<String, ?> body) {
    HttpResponse<String> res =
        send(
            HttpRequest.newBuilder(base.resolve("/"))
                .header("X-Amz-Target", "AWSCognitoIdentityProviderService." + action)
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body))));
    if (res.statusCode() != 200) {
      throw new IllegalStateException(action + " failed: " + res.statusCode() + " " + res.body());
    }
    return parse(res.body());
  }

  public HttpResponse<String> submit(String token, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve("/submit-job-request"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", token);
    }
    return send(b);
  }

  /** Submits and returns the MessageId (the job id); fails unless the answer is 200. */
  public String submitOk(String token, String body) {
    HttpResponse<String> res = submit(token, body);
    if (res.statusCode() != 200) {
      throw new IllegalStateException("submit failed: " + res.statusCode() + " " + res.body());
    }
    return messageId(res.body());
  }

  public static String messageId(String xml) {
    Matcher m = MESSAGE_ID.matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("no MessageId in " + xml);
    }
    return m.group(1);
  }

  public HttpResponse<String> status(String token, String jobId) {
    return get("/job-status/" + jobId, token);
  }

  public HttpResponse<String> get(String pathAndQuery, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET();
    if (token != null) {
      b.header("Authorization", token);
    }
    return send(b);
  }

  /** A plain GET of an absolute URL with no token, like {@code curl -o}. */
  public HttpResponse<byte[]> download(String url) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls the status until it is terminal or {@code timeout} passes; returns the last body. */
  public JsonNode awaitTerminal(String token, String jobId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> res = status(token, jobId);
      if (res.statusCode() == 200) {
        last = parse(res.body());
        String s = last.path("jobStatus").asText();
        if (s.equals("complete") || s.equals("failed")) {
          return last;
        }
      }
      pause(Duration.ofMillis(10));
    }
    throw new AssertionError("job " + jobId + " not terminal after " + timeout + ": " + last);
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
  }

  static byte[] bytes(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polling interval for waiting on another process: not a test-time sleep. */
  public static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
