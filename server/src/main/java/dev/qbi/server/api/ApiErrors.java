package dev.qbi.server.api;

import dev.qbi.core.error.ForbiddenException;
import dev.qbi.core.error.IngestionException;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.error.PayloadTooLargeException;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.error.UnsupportedMediaTypeException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses. Client mistakes get a 4xx with a JSON
 * message; anything else a 500 with a generic message (the details go to the log, never to the
 * client).
 */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  /** HTTP status for each kind of failure. */
  static int statusOf(IngestionException e) {
    if (e instanceof UnauthorizedException) {
      return 401;
    } else if (e instanceof ForbiddenException) {
      return 403;
    } else if (e instanceof JobNotFoundException) {
      return 404;
    } else if (e instanceof PayloadTooLargeException) {
      return 413;
    } else if (e instanceof UnsupportedMediaTypeException) {
      return 415;
    } else if (e instanceof InvalidRequestException) {
      return 400;
    }
    return 500;
  }

  public static void register(HttpRouting.Builder routing) {
    routing.error(IngestionException.class, ApiErrors::handle);
    routing.error(RuntimeException.class, ApiErrors::unexpected);
  }

  static void handle(ServerRequest req, ServerResponse res, IngestionException e) {
    int status = statusOf(e);
    if (status >= 500) {
      LOG.error(
          "{} {} failed: {}", req.prologue().method().text(), req.path().path(), e.toString());
      Json.error(res, status, "Internal server error");
    } else if (e instanceof JobNotFoundException) {
      // the original system's body for an unknown (or someone else's) job
      Json.send(res, status, Map.of("Error Message", e.getMessage()));
    } else {
      Json.error(res, status, e.getMessage());
    }
  }

  static void unexpected(ServerRequest req, ServerResponse res, RuntimeException e) {
    LOG.error("{} {} failed", req.prologue().method().text(), req.path().path(), e);
    Json.error(res, 500, "Internal server error");
  }
}
