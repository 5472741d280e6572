package dev.qbi.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.qbi.core.error.ForbiddenException;
import dev.qbi.core.error.IngestionException;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.error.PayloadTooLargeException;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.error.UnsupportedMediaTypeException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures of the HTTP handlers become responses, mirroring the local server:
 * client mistakes get a 4xx with {@code {"message": ...}} (404 keeps the original system's {@code
 * {"Error Message": ...}}); anything else a 500 with a generic message, details only in the log.
 */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  /** HTTP status for each kind of failure. */
  public static int statusOf(IngestionException e) {
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

  /** The response for any failure of a request (never rethrows: API Gateway would answer 500). */
  public static APIGatewayV2HTTPResponse toResponse(String route, RuntimeException e) {
    if (e instanceof IngestionException known) {
      int status = statusOf(known);
      if (status >= 500) {
        LOG.error("{} failed: {}", route, known.toString());
        return HttpJson.response(500, Map.of("message", "Internal server error"));
      }
      if (known instanceof JobNotFoundException) {
        return HttpJson.response(status, Map.of("Error Message", known.getMessage()));
      }
      return HttpJson.response(status, Map.of("message", known.getMessage()));
    }
    LOG.error("{} failed", route, e);
    return HttpJson.response(500, Map.of("message", "Internal server error"));
  }
}
