package dev.qbi.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A client of the job API, the same against the local server and a deployed API Gateway stack:
 * submit a job, read its status, list the caller's jobs, cancel one, download an output, plus raw
 * access for callers that check error answers.
 *
 * <p>The token (an IdToken) goes as-is in the {@code Authorization} header, as the original
 * system's clients send it; API Gateway's Cognito authorizer and the local server both accept it.
 * Paths are appended to the base URI, so a base with a stage path ({@code https://…/Prod}) keeps
 * it.
 *
 * <p>Every call throws {@link ApiException} (an {@link IOException}) for a non-2xx answer, another
 * {@link IOException} when the server cannot be reached or answers something unreadable, and {@link
 * InterruptedException} when the calling thread is interrupted. Instances are immutable and
 * thread-safe; {@link #withToken} and {@link #withoutToken} share the HTTP connections.
 */
public final class JobApiClient implements AutoCloseable {
  /** The submit route (the original system's SQS-integration path). */
  public static final String SUBMIT_PATH = "/submit-job-request";

  private static final String MESSAGE_ID_OPEN = "<MessageId>";
  private static final String MESSAGE_ID_CLOSE = "</MessageId>";

  private final String base;
  private final Optional<String> token;
  private final HttpClient http;
  private final boolean ownsHttp;
  private final Duration requestTimeout;

  private JobApiClient(
      String base,
      Optional<String> token,
      HttpClient http,
      boolean ownsHttp,
      Duration requestTimeout) {
    this.base = base;
    this.token = token;
    this.http = http;
    this.ownsHttp = ownsHttp;
    this.requestTimeout = requestTimeout;
  }

  /** A client of the API at {@code base} (e.g. {@code http://127.0.0.1:8080}), without token. */
  public static Builder builder(URI base) {
    return new Builder(base);
  }

  /** A client of the API at {@code base} that sends {@code token}, with the default settings. */
  public static JobApiClient create(URI base, String token) {
    return builder(base).token(token).build();
  }

  /** The same API and connections, sending {@code token}. Closing the copy closes nothing. */
  public JobApiClient withToken(String token) {
    return new JobApiClient(base, Optional.of(token), http, false, requestTimeout);
  }

  /** The same API and connections, sending no token. Closing the copy closes nothing. */
  public JobApiClient withoutToken() {
    return new JobApiClient(base, Optional.empty(), http, false, requestTimeout);
  }

  /** The API's base URI, without a trailing slash. */
  public URI baseUri() {
    return URI.create(base);
  }

  /**
   * {@code POST /submit-job-request} with a JSON body; returns the job id (the {@code MessageId} of
   * the {@code SendMessageResponse} answer).
   */
  public String submit(String jsonBody) throws IOException, InterruptedException {
    RawResponse answer =
        ok(
            "POST " + SUBMIT_PATH,
            rawPost(SUBMIT_PATH, "application/json", jsonBody.getBytes(StandardCharsets.UTF_8)));
    String xml = answer.bodyText();
    return messageId(xml)
        .orElseThrow(() -> new IOException("submit answered 200 without a MessageId: " + xml));
  }

  /**
   * The {@code MessageId} of a {@code SendMessageResponse} XML document (the submit's answer),
   * which is the job id; empty when there is none.
   */
  public static Optional<String> messageId(String sendMessageResponse) {
    int start = sendMessageResponse.indexOf(MESSAGE_ID_OPEN);
    if (start < 0) {
      return Optional.empty();
    }
    start += MESSAGE_ID_OPEN.length();
    int end = sendMessageResponse.indexOf(MESSAGE_ID_CLOSE, start);
    if (end < 0) {
      return Optional.empty();
    }
    String id = sendMessageResponse.substring(start, end).strip();
    return id.isEmpty() ? Optional.empty() : Optional.of(id);
  }

  /** {@code GET /job-status/{jobId}}; a 404 (unknown or another user's job) is an ApiException. */
  public JobStatus status(String jobId) throws IOException, InterruptedException {
    String what = "GET /job-status/" + jobId;
    return JobStatus.of(Http.json(ok(what, rawGet(statusPath(jobId))), what));
  }

  /**
   * {@code GET /job-status/{jobId}}, empty for a 404: the job is unknown, another user's, or (on
   * AWS) not yet picked up by the processor, which writes its row.
   */
  public Optional<JobStatus> findStatus(String jobId) throws IOException, InterruptedException {
    RawResponse answer = rawGet(statusPath(jobId));
    if (answer.statusCode() == 404) {
      return Optional.empty();
    }
    String what = "GET /job-status/" + jobId;
    return Optional.of(JobStatus.of(Http.json(ok(what, answer), what)));
  }

  /**
   * Polls the job's status every {@code pollInterval} until {@code done} holds, a 404 counting as
   * "not yet" (see {@link #findStatus}); returns the status that satisfied it.
   *
   * @throws TimeoutException when {@code timeout} passes first (its message has the last answer)
   */
  public JobStatus awaitStatus(
      String jobId, Predicate<JobStatus> done, Duration timeout, Duration pollInterval)
      throws IOException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<JobStatus> last = Optional.empty();
    while (true) {
      last = findStatus(jobId);
      if (last.isPresent() && done.test(last.get())) {
        return last.get();
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new TimeoutException(
            "job "
                + jobId
                + " not as awaited within "
                + timeout
                + "; last answer: "
                + last.map(JobStatus::toString).orElse("404"));
      }
      Thread.sleep(pollInterval);
    }
  }

  /**
   * {@link #awaitStatus} until the job is {@code complete}, {@code failed} or {@code cancelled}.
   */
  public JobStatus awaitTerminal(String jobId, Duration timeout, Duration pollInterval)
      throws IOException, InterruptedException, TimeoutException {
    return awaitStatus(jobId, JobStatus::terminal, timeout, pollInterval);
  }

  /** One page of {@code GET /jobs}: the caller's jobs, newest first. */
  public JobPage listJobs(JobListQuery query) throws IOException, InterruptedException {
    String pathAndQuery = listPath(query);
    String what = "GET " + pathAndQuery;
    JsonNode page = Http.json(ok(what, rawGet(pathAndQuery)), what);
    if (!page.path("jobs").isArray()) {
      throw new IOException(what + " answered no jobs array: " + page);
    }
    List<JobStatus> jobs = new ArrayList<>(page.path("jobs").size());
    for (JsonNode job : page.path("jobs")) {
      jobs.add(JobStatus.of(job));
    }
    String next = page.path("next").asText("");
    return new JobPage(jobs, next.isEmpty() ? Optional.empty() : Optional.of(next));
  }

  /**
   * Every job {@code query} selects, following the {@code next} cursors from {@code query}'s page
   * on.
   *
   * @throws IOException also when there are more than {@code maxPages} pages
   */
  public List<JobStatus> listAllJobs(JobListQuery query, int maxPages)
      throws IOException, InterruptedException {
    List<JobStatus> jobs = new ArrayList<>();
    JobListQuery page = query;
    for (int i = 0; i < maxPages; i++) {
      JobPage answer = listJobs(page);
      jobs.addAll(answer.jobs());
      if (answer.next().isEmpty()) {
        return jobs;
      }
      page = page.withNext(answer.next());
    }
    throw new IOException("GET /jobs has more than " + maxPages + " pages");
  }

  /**
   * {@code DELETE /jobs/{jobId}}: cancels a job that has not started, or asks a running one to
   * stop; returns the job's status after the request ({@code cancelled}, or {@code processing} with
   * {@code cancelRequestedAt}). A 404 (unknown or another user's job) and a 409 (the job already
   * finished) are ApiExceptions.
   */
  public JobStatus cancel(String jobId) throws IOException, InterruptedException {
    String what = "DELETE /jobs/" + jobId;
    return JobStatus.of(Http.json(ok(what, rawDelete("/jobs/" + encode(jobId))), what));
  }

  /** The bytes behind a download link: a plain GET without token, like {@code curl -o}. */
  public byte[] download(URI link) throws IOException, InterruptedException {
    return ok("GET " + withoutQuery(link), rawDownload(link)).body();
  }

  /**
   * {@code GET /health} of the local runtime (no token): {@code status} and {@code queueDepth}. A
   * server that is not up answers 503, an ApiException.
   */
  public Health health() throws IOException, InterruptedException {
    HttpRequest request = request("/health").GET().build();
    JsonNode body = Http.json(ok("GET /health", Http.send(http, request)), "GET /health");
    JsonNode depth = body.path("queueDepth");
    return new Health(
        body.path("status").asText(""),
        depth.canConvertToLong() ? OptionalLong.of(depth.asLong()) : OptionalLong.empty());
  }

  /**
   * The local runtime's health.
   *
   * @param status {@code UP} when it answers 200
   * @param queueDepth messages waiting or in flight in its queue
   */
  public record Health(String status, OptionalLong queueDepth) {}

  // --- raw access: any status, nothing parsed -----------------------------------------------

  /** A GET of {@code pathAndQuery} (e.g. {@code /jobs?limit=2}) with this client's token. */
  public RawResponse rawGet(String pathAndQuery) throws IOException, InterruptedException {
    return Http.send(http, authorized(request(pathAndQuery)).GET().build());
  }

  /** A POST of {@code body} as {@code contentType} with this client's token. */
  public RawResponse rawPost(String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return rawPost(path, Map.of("Content-Type", contentType), body);
  }

  /**
   * A POST of {@code body} with these headers and this client's token (unless {@code headers} has
   * its own {@code Authorization}).
   */
  public RawResponse rawPost(String path, Map<String, String> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = request(path);
    if (headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
      authorized(request);
    }
    headers.forEach(request::header);
    return Http.send(http, request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** A DELETE of {@code path} with this client's token. */
  public RawResponse rawDelete(String path) throws IOException, InterruptedException {
    return Http.send(http, authorized(request(path)).DELETE().build());
  }

  /** A plain GET of an absolute link, without token. */
  public RawResponse rawDownload(URI link) throws IOException, InterruptedException {
    return Http.send(http, HttpRequest.newBuilder(link).timeout(requestTimeout).GET().build());
  }

  /** Closes the HTTP connections when this client created them (not for a copy). */
  @Override
  public void close() {
    if (ownsHttp) {
      http.close();
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private HttpRequest.Builder request(String pathAndQuery) {
    if (!pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("a path starts with /: " + pathAndQuery);
    }
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(requestTimeout);
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    token.ifPresent(t -> request.header("Authorization", t));
    return request;
  }

  private static RawResponse ok(String what, RawResponse answer) throws ApiException {
    if (!answer.successful()) {
      throw new ApiException(what, answer.statusCode(), answer.bodyText());
    }
    return answer;
  }

  private static String statusPath(String jobId) {
    return "/job-status/" + encode(jobId);
  }

  private static String listPath(JobListQuery query) {
    List<String> parameters = new ArrayList<>();
    query.status().ifPresent(s -> parameters.add("status=" + encode(s)));
    query.limit().ifPresent(l -> parameters.add("limit=" + l));
    query.next().ifPresent(n -> parameters.add("next=" + encode(n)));
    return "/jobs" + (parameters.isEmpty() ? "" : "?" + String.join("&", parameters));
  }

  /** Percent-encodes a path segment or query value (a space as {@code %20}, not {@code +}). */
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String withoutQuery(URI link) {
    String s = link.toString();
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q);
  }

  /** Settings of a {@link JobApiClient}. */
  public static final class Builder {
    private final String base;
    private Optional<String> token = Optional.empty();
    private HttpClient http;
    private SSLContext trust;
    private Duration requestTimeout = Http.DEFAULT_REQUEST_TIMEOUT;

    private Builder(URI base) {
      String scheme = base.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("the API's base must be an http(s) URL: " + base);
      }
      String s = base.toString();
      this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** The IdToken to send in {@code Authorization}. */
    public Builder token(String token) {
      this.token = Optional.of(Objects.requireNonNull(token, "token"));
      return this;
    }

    /**
     * The HTTP client to use, which the API client then does not close; by default its own
     * (HTTP/1.1, 10 s connect timeout, no redirects), closed with it.
     */
    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /**
     * The certificates its own HTTP client trusts for {@code https} (e.g. {@link
     * TrustedCertificates#fromPem}); by default the JDK's trust store. Not used with {@link
     * #httpClient}.
     */
    public Builder sslContext(SSLContext trust) {
      this.trust = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /** How long one request may take (default 30 s). */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    public JobApiClient build() {
      return http == null
          ? new JobApiClient(base, token, Http.client(trust), true, requestTimeout)
          : new JobApiClient(base, token, http, false, requestTimeout);
    }
  }
}
