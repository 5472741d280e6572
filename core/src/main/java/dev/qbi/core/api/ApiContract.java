package dev.qbi.core.api;

import dev.qbi.core.error.ConflictException;
import dev.qbi.core.error.ForbiddenException;
import dev.qbi.core.error.IngestionException;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.error.PayloadTooLargeException;
import dev.qbi.core.error.StorageUnavailableException;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.error.UnsupportedMediaTypeException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.Page;
import dev.qbi.core.usecase.JobStatusQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The response bodies and status codes of the HTTP API, shared by both runtimes (the local server's
 * routes and the Lambda handlers), so that the two cannot drift apart. Bodies are plain maps, ready
 * for any JSON writer.
 */
public final class ApiContract {

  /** The body of every 5xx: details go to the log, never to the client. */
  public static final String INTERNAL_ERROR = "Internal server error";

  /** The body of a 503: the request was not recorded; the client should send it again later. */
  public static final String UNAVAILABLE =
      "The service cannot store requests right now; nothing was recorded. Retry later.";

  /** The {@code Retry-After} of a 503, in seconds. */
  public static final int RETRY_AFTER_SECONDS = 5;

  private static final String BEARER = "bearer ";

  private ApiContract() {}

  /**
   * HTTP status for each kind of failure: a store that cannot take writes for now is a 503 (send
   * {@code Retry-After: }{@value #RETRY_AFTER_SECONDS}); anything else not a client mistake is a
   * 500.
   */
  public static int httpStatus(IngestionException e) {
    if (e instanceof StorageUnavailableException) {
      return 503;
    } else if (e instanceof UnauthorizedException) {
      return 401;
    } else if (e instanceof ForbiddenException) {
      return 403;
    } else if (e instanceof JobNotFoundException) {
      return 404;
    } else if (e instanceof ConflictException) {
      return 409;
    } else if (e instanceof PayloadTooLargeException) {
      return 413;
    } else if (e instanceof UnsupportedMediaTypeException) {
      return 415;
    } else if (e instanceof InvalidRequestException) {
      return 400;
    }
    return 500;
  }

  /**
   * The error body: {@code {"message": ...}}, except the original system's {@code {"Error Message":
   * ...}} for an unknown (or another user's) job, and a generic message for a 5xx ({@link
   * #UNAVAILABLE} for a 503, {@link #INTERNAL_ERROR} otherwise).
   */
  public static Map<String, Object> errorBody(IngestionException e) {
    int status = httpStatus(e);
    if (status == 503) {
      return Map.of("message", UNAVAILABLE);
    }
    if (status >= 500) {
      return Map.of("message", INTERNAL_ERROR);
    }
    if (e instanceof JobNotFoundException) {
      return Map.of("Error Message", e.getMessage());
    }
    return Map.of("message", e.getMessage());
  }

  /**
   * The token of an {@code Authorization} header, as both runtimes read it: the raw IdToken (as the
   * original API takes it) or {@code Bearer <token>} (the prefix in any case), surrounding
   * whitespace ignored.
   *
   * @param header the header's value; {@code null} when there is none
   * @return the token, or empty when the header is missing or holds no token
   */
  public static Optional<String> bearerToken(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String token = header.strip();
    if (token.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      token = token.substring(BEARER.length()).strip();
    }
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /**
   * The {@code limit} query parameter of {@code GET /jobs} as a number; its range is checked by the
   * use case.
   *
   * @throws InvalidRequestException (400) when it is not a decimal integer
   */
  public static int parseLimit(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("limit must be a number");
    }
  }

  /** The status fields of one job (as listed by {@code GET /jobs}). */
  public static Map<String, Object> describe(Job job) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("jobStatus", job.status().wireName());
    json.put("jobId", job.id().toString());
    json.put("jobRequestId", job.id().toString());
    json.put("submittedAt", job.submittedAt().toString());
    json.put("updatedAt", job.updatedAt().toString());
    json.put("attempts", job.totalAttempts());
    job.failure().ifPresent(error -> json.put("error", error));
    if (!job.errors().isEmpty()) {
      json.put("errors", job.errors());
    }
    if (job.cancelRequestedAt() != null) {
      json.put("cancelRequestedAt", job.cancelRequestedAt().toString());
    }
    if (job.redrivenAt() != null) {
      json.put("redrivenAt", job.redrivenAt().toString());
    }
    return json;
  }

  /**
   * {@code GET /job-status/{id}}: the job's fields and, once complete, the download link under both
   * names clients of the original use ({@code jobProcessedPayload} from its README, {@code
   * jobProcessedPayloadLink} from its code).
   */
  public static Map<String, Object> status(JobStatusQuery.View view) {
    Map<String, Object> json = describe(view.job());
    view.downloadLink()
        .ifPresent(
            link -> {
              json.put("jobProcessedPayload", link.toString());
              json.put("jobProcessedPayloadLink", link.toString());
            });
    return json;
  }

  /** {@code GET /jobs}: {@code {"jobs": [...], "next": "..."}}, {@code next} only when more. */
  public static Map<String, Object> page(Page<Job> page) {
    List<Map<String, Object>> jobs = new ArrayList<>(page.items().size());
    page.items().forEach(job -> jobs.add(describe(job)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("jobs", jobs);
    page.next().ifPresent(next -> json.put("next", next));
    return json;
  }
}
