package dev.qbi.runtime.local.api;

import dev.qbi.core.api.ApiContract;
import dev.qbi.core.auth.Principal;
import dev.qbi.core.error.PayloadTooLargeException;
import dev.qbi.core.error.UnsupportedMediaTypeException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Page;
import dev.qbi.core.usecase.CancelJob;
import dev.qbi.core.usecase.JobStatusQuery;
import dev.qbi.core.usecase.ListJobs;
import dev.qbi.core.usecase.SubmitJob;
import dev.qbi.runtime.local.worker.IntakePressure;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The job API of docs/openapi.yaml: submit, status, list, cancel. Thin: parse, call a use case, map
 * the result.
 */
public final class JobApiService implements HttpService {

  private final Authenticator auth;
  private final SubmitJob submitJob;
  private final JobStatusQuery statusQuery;
  private final ListJobs listJobs;
  private final CancelJob cancelJob;
  private final ApiMetrics metrics;
  private final IntakePressure pressure;

  /**
   * @param pressure told of every submit in progress, so that the workers give way to intake
   */
  public JobApiService(
      Authenticator auth,
      SubmitJob submitJob,
      JobStatusQuery statusQuery,
      ListJobs listJobs,
      CancelJob cancelJob,
      ApiMetrics metrics,
      IntakePressure pressure) {
    this.auth = auth;
    this.submitJob = submitJob;
    this.statusQuery = statusQuery;
    this.listJobs = listJobs;
    this.cancelJob = cancelJob;
    this.metrics = metrics;
    this.pressure = pressure;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .post("/submit-job-request", this::submit)
        .get("/job-status/{jobId}", this::status)
        .get("/jobs", this::list)
        .delete("/jobs/{jobId}", this::cancel);
  }

  private void submit(ServerRequest req, ServerResponse res) {
    pressure.begin();
    try {
      accept(req, res);
    } finally {
      pressure.end();
    }
  }

  private void accept(ServerRequest req, ServerResponse res) {
    Principal who = auth.authenticate(req);
    requireJsonContentType(req);
    byte[] body = readBounded(req, submitJob.maxBodyBytes());
    SubmitJob.Receipt receipt = submitJob.submit(who.owner(), body);
    metrics.submitted();
    if (acceptsJsonOnly(req)) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("MessageId", receipt.messageId().toString());
      json.put("MD5OfMessageBody", receipt.md5OfMessageBody());
      json.put("RequestId", receipt.requestId());
      Json.send(res, 200, json);
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, "text/xml");
    res.send(SendMessageResponseXml.render(receipt));
  }

  private void status(ServerRequest req, ServerResponse res) {
    Principal who = auth.authenticate(req);
    JobId id = JobId.parse(req.path().pathParameters().get("jobId"));
    Json.send(res, 200, ApiContract.status(statusQuery.status(who.owner(), id)));
  }

  private void list(ServerRequest req, ServerResponse res) {
    Principal who = auth.authenticate(req);
    Page<Job> page =
        listJobs.list(
            who.owner(),
            query(req, "status"),
            query(req, "limit").map(ApiContract::parseLimit),
            query(req, "next"));
    Json.send(res, 200, ApiContract.page(page));
  }

  /**
   * {@code DELETE /jobs/{jobId}}: 200 with the job ({@code cancelled}, or {@code processing} with
   * {@code cancelRequestedAt} until its worker stops it); 404 for an unknown or another user's job;
   * 409 for a finished one.
   */
  private void cancel(ServerRequest req, ServerResponse res) {
    Principal who = auth.authenticate(req);
    JobId id = JobId.parse(req.path().pathParameters().get("jobId"));
    Job job = cancelJob.cancel(who.owner(), id);
    metrics.cancelRequested();
    Json.send(res, 200, ApiContract.describe(job));
  }

  private static Optional<String> query(ServerRequest req, String name) {
    return req.query().contains(name)
        ? Optional.of(req.query().get(name)).filter(v -> !v.isEmpty())
        : Optional.empty();
  }

  /** 415 when the client says what it sends and it is not JSON; no header means "can't tell". */
  private static void requireJsonContentType(ServerRequest req) {
    Optional<HttpMediaType> type = req.headers().contentType();
    if (type.isEmpty()) {
      return;
    }
    String subtype = type.get().mediaType().subtype().toLowerCase(Locale.ROOT);
    String main = type.get().mediaType().type().toLowerCase(Locale.ROOT);
    boolean json =
        main.equals("application") && (subtype.equals("json") || subtype.endsWith("+json"));
    if (!json) {
      throw new UnsupportedMediaTypeException(
          "Content-Type must be application/json, not " + type.get().mediaType().text());
    }
  }

  /** SendMessageResponse as XML (the original), or the same fields as JSON when preferred. */
  private static boolean acceptsJsonOnly(ServerRequest req) {
    return req.headers().contains(HeaderNames.ACCEPT)
        && req.headers()
            .bestAccepted(MediaTypes.TEXT_XML, MediaTypes.APPLICATION_JSON)
            .filter(MediaTypes.APPLICATION_JSON::equals)
            .isPresent();
  }

  /**
   * How many times the limit an oversized body is still read (and dropped) before the 413 goes out:
   * a client is answered only once it has finished sending, otherwise closing the connection with
   * its unread bytes resets it and the client sees no answer at all. Larger bodies are cut off.
   */
  public static final int DRAIN_FACTOR = 4;

  /** Reads the body, refusing (413) once it is known to be over the limit. */
  static byte[] readBounded(ServerRequest req, int limit) {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > limit) {
      drain(req, limit);
      throw new PayloadTooLargeException(
          "Request body is " + declared.getAsLong() + " bytes; the limit is " + limit);
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      if (declared.isPresent()) {
        // the usual case: read exactly the declared length into one array, no growing copies
        byte[] body = new byte[(int) declared.getAsLong()];
        int read = in.readNBytes(body, 0, body.length);
        return read == body.length ? body : Arrays.copyOf(body, read);
      }
      byte[] body = in.readNBytes(limit + 1);
      if (body.length > limit) {
        drain(in, (long) DRAIN_FACTOR * limit);
        throw new PayloadTooLargeException("Request body is over the limit of " + limit + " bytes");
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void drain(ServerRequest req, int limit) {
    if (!req.content().hasEntity()) {
      return;
    }
    try (InputStream in = req.content().inputStream()) {
      drain(in, (long) DRAIN_FACTOR * limit);
    } catch (IOException | RuntimeException e) {
      // the client went away or sent too much: the 413 goes out anyway, on a closing connection
    }
  }

  private static void drain(InputStream in, long atMost) throws IOException {
    byte[] sink = new byte[8192];
    long left = atMost;
    int n;
    while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
      left -= n;
    }
  }
}
