package dev.qbi.e2e;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A thin HTTP client of the job API, as the seed's integration tests use it. */
final class JobApi {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MESSAGE_ID = Pattern.compile("<MessageId>([^<]+)</MessageId>");
  private static final int MAX_POLLS = 2_000;

  private final E2eTarget target;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  JobApi(E2eTarget target) {
    this.target = target;
  }

  HttpResponse<String> submit(Optional<String> token, String contentType, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url("/submit-job-request"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    token.ifPresent(t -> request.header("Authorization", t));
    return send(request.build());
  }

  HttpResponse<String> submit(String token, String jsonBody) {
    return submit(
        Optional.of(token), "application/json", jsonBody.getBytes(StandardCharsets.UTF_8));
  }

  /** Submits and returns the job id (the SendMessageResponse's MessageId). */
  String submitJob(String token, String jsonBody) {
    HttpResponse<String> response = submit(token, jsonBody);
    if (response.statusCode() != 200) {
      throw new AssertionError("submit answered " + response.statusCode() + ": " + response.body());
    }
    return messageId(response.body());
  }

  static String messageId(String sendMessageResponse) {
    Matcher m = MESSAGE_ID.matcher(sendMessageResponse);
    if (!m.find()) {
      throw new AssertionError("no MessageId in " + sendMessageResponse);
    }
    return m.group(1);
  }

  HttpResponse<String> status(String token, String jobId) {
    return get("/job-status/" + jobId, Optional.of(token));
  }

  HttpResponse<String> list(String token, String query) {
    return get("/jobs" + (query.isEmpty() ? "" : "?" + query), Optional.of(token));
  }

  /** Every job of the caller, following {@code next} tokens (bounded). */
  List<JsonNode> allJobs(String token) {
    List<JsonNode> jobs = new ArrayList<>();
    String query = "limit=100";
    for (int page = 0; page < 50; page++) {
      JsonNode body = json(ok(list(token, query)));
      body.path("jobs").forEach(jobs::add);
      JsonNode next = body.get("next");
      if (next == null || next.isNull()) {
        return jobs;
      }
      query = "limit=100&next=" + java.net.URLEncoder.encode(next.asText(), StandardCharsets.UTF_8);
    }
    throw new AssertionError("more than 50 pages of jobs");
  }

  HttpResponse<byte[]> download(URI link) {
    try {
      return http.send(
          HttpRequest.newBuilder(link).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Polls the job's status until {@code done} holds for its JSON (a 404 counts as "not yet": on AWS
   * the row appears when the processor picks the job up). Bounded by {@code timeout} and by a
   * maximum number of polls.
   */
  JsonNode awaitStatus(
      String token, String jobId, Duration timeout, Predicate<JsonNode> done, String what) {
    Instant deadline = Instant.now().plus(timeout);
    String last = "(no answer)";
    for (int poll = 0; poll < MAX_POLLS; poll++) {
      HttpResponse<String> response = status(token, jobId);
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        JsonNode body = json(response.body());
        if (done.test(body)) {
          return body;
        }
      } else if (response.statusCode() != 404) {
        throw new AssertionError("status of " + jobId + " answered " + last);
      }
      if (Instant.now().isAfter(deadline)) {
        break;
      }
      pause(target.pollInterval());
    }
    throw new AssertionError(
        "job " + jobId + " not " + what + " within " + timeout + "; last answer: " + last);
  }

  /** Polls {@code GET /jobs} until {@code done} holds for the caller's jobs (bounded). */
  List<JsonNode> awaitJobs(String token, Duration timeout, Predicate<List<JsonNode>> done) {
    Instant deadline = Instant.now().plus(timeout);
    List<JsonNode> jobs = List.of();
    for (int poll = 0; poll < MAX_POLLS; poll++) {
      jobs = allJobs(token);
      if (done.test(jobs)) {
        return jobs;
      }
      if (Instant.now().isAfter(deadline)) {
        break;
      }
      pause(target.pollInterval());
    }
    throw new AssertionError("GET /jobs did not reach the expected state; last: " + jobs);
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
    }
  }

  private static String ok(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new AssertionError(
          response.request().uri() + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  HttpResponse<String> get(String path, Optional<String> token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30)).GET();
    token.ifPresent(t -> request.header("Authorization", t));
    return send(request.build());
  }

  private URI url(String path) {
    return URI.create(target.baseUrl() + path);
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void pause(Duration interval) {
    try {
      Thread.sleep(interval);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
