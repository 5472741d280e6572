package dev.qbi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qbi.runtime.local.identity.CognitoClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The benchmark's HTTP client of the API and of the Cognito-protocol identity provider: one {@link
 * HttpClient} (HTTP/1.1, pooled keep-alive connections), shared by every concurrent caller.
 */
final class BenchClient implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final HttpClient http;

  BenchClient(URI base) {
    this.base = base;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  URI base() {
    return base;
  }

  /** {@code queueDepth} of {@code GET /health} when it answers 200; empty otherwise. */
  OptionalLong queueDepth() throws InterruptedException {
    try {
      HttpResponse<String> res = send(get("/health", null));
      if (res.statusCode() != 200) {
        return OptionalLong.empty();
      }
      JsonNode depth = JSON.readTree(res.body()).path("queueDepth");
      return depth.canConvertToLong() ? OptionalLong.of(depth.asLong()) : OptionalLong.empty();
    } catch (IOException notReachable) {
      return OptionalLong.empty();
    }
  }

  /** SignUp, AdminConfirmSignUp and InitiateAuth (USER_PASSWORD_AUTH); returns the IdToken. */
  String signUpAndLogin(String username, String password, String clientId, String poolId)
      throws IOException, InterruptedException, BenchFailure {
    CognitoClient cognito = new CognitoClient(base.toString());
    try {
      ObjectNode signUp =
          CognitoClient.body()
              .put("ClientId", clientId)
              .put("Username", username)
              .put("Password", password);
      signUp.putArray("UserAttributes").addObject().put("Name", "email").put("Value", username);
      cognito.call("SignUp", signUp);
      cognito.call(
          "AdminConfirmSignUp",
          CognitoClient.body().put("UserPoolId", poolId).put("Username", username));
      ObjectNode login =
          CognitoClient.body().put("ClientId", clientId).put("AuthFlow", "USER_PASSWORD_AUTH");
      login.putObject("AuthParameters").put("USERNAME", username).put("PASSWORD", password);
      String token =
          cognito
              .call("InitiateAuth", login)
              .path("AuthenticationResult")
              .path("IdToken")
              .asText("");
      if (token.isEmpty()) {
        throw new BenchFailure("InitiateAuth answered no IdToken");
      }
      return token;
    } catch (CognitoClient.Failure e) {
      throw new BenchFailure("signing in the benchmark user failed: " + e, e);
    }
  }

  /** The answer to one submit: the HTTP status and, for a 200, the job id (its MessageId). */
  record Submitted(int status, Optional<String> jobId) {}

  /** {@code POST /submit-job-request} with the raw IdToken, as the original's clients send it. */
  Submitted submit(String token, String jsonBody) throws IOException, InterruptedException {
    HttpResponse<String> res =
        send(
            HttpRequest.newBuilder(base.resolve("/submit-job-request"))
                .header("Authorization", token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    if (res.statusCode() != 200) {
      return new Submitted(res.statusCode(), Optional.empty());
    }
    return new Submitted(200, messageId(res.body()));
  }

  /** The {@code MessageId} of a {@code SendMessageResponse} XML document. */
  static Optional<String> messageId(String xml) {
    int start = xml.indexOf("<MessageId>");
    int end = xml.indexOf("</MessageId>");
    if (start < 0 || end < start) {
      return Optional.empty();
    }
    String id = xml.substring(start + "<MessageId>".length(), end).trim();
    return id.isEmpty() ? Optional.empty() : Optional.of(id);
  }

  /** One job's status and the server's timestamps. */
  record JobTimes(String jobId, String status, Instant submittedAt, Instant updatedAt) {
    boolean terminal() {
      return status.equals("complete") || status.equals("failed");
    }

    Duration submitToUpdate() {
      return Duration.between(submittedAt, updatedAt);
    }
  }

  /** {@code GET /job-status/{id}}: the job's status, or empty when it is not 200. */
  Optional<JobTimes> status(String token, String jobId)
      throws IOException, InterruptedException, BenchFailure {
    HttpResponse<String> res = send(get("/job-status/" + jobId, token));
    if (res.statusCode() != 200) {
      return Optional.empty();
    }
    return Optional.of(jobTimes(JSON.readTree(res.body())));
  }

  /** One page of {@code GET /jobs}: the caller's jobs, newest first, and the next cursor. */
  record JobsPage(List<JobTimes> jobs, Optional<String> next) {}

  JobsPage jobs(String token, int limit, Optional<String> next)
      throws IOException, InterruptedException, BenchFailure {
    String query =
        "/jobs?limit="
            + limit
            + next.map(n -> "&next=" + URLEncoder.encode(n, StandardCharsets.UTF_8)).orElse("");
    HttpResponse<String> res = send(get(query, token));
    if (res.statusCode() != 200) {
      throw new BenchFailure(
          "GET /jobs answered HTTP " + res.statusCode() + ": " + abbreviate(res.body()));
    }
    JsonNode page = JSON.readTree(res.body());
    List<JobTimes> jobs = new ArrayList<>();
    for (JsonNode job : page.path("jobs")) {
      jobs.add(jobTimes(job));
    }
    String cursor = page.path("next").asText("");
    return new JobsPage(jobs, cursor.isEmpty() ? Optional.empty() : Optional.of(cursor));
  }

  private static JobTimes jobTimes(JsonNode job) throws BenchFailure {
    try {
      return new JobTimes(
          job.path("jobId").asText(),
          job.path("jobStatus").asText(),
          Instant.parse(job.path("submittedAt").asText()),
          Instant.parse(job.path("updatedAt").asText()));
    } catch (DateTimeParseException e) {
      throw new BenchFailure("a job's timestamps are not ISO-8601 instants: " + job, e);
    }
  }

  private HttpRequest.Builder get(String pathAndQuery, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET();
    if (token != null) {
      b.header("Authorization", token);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.timeout(REQUEST_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String abbreviate(String body) {
    return body.length() <= 300 ? body : body.substring(0, 300) + "…";
  }

  @Override
  public void close() {
    http.close();
  }
}
