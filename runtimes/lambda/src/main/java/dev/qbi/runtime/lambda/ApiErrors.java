package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.qbi.core.api.ApiContract;
import dev.qbi.core.error.IngestionException;
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

  /** The response for any failure of a request (never rethrows: API Gateway would answer 500). */
  public static APIGatewayV2HTTPResponse toResponse(String route, RuntimeException e) {
    if (e instanceof IngestionException known) {
      int status = ApiContract.httpStatus(known);
      if (status >= 500) {
        LOG.error("{} failed: {}", route, known.toString());
      }
      return HttpJson.response(status, ApiContract.errorBody(known));
    }
    LOG.error("{} failed", route, e);
    return HttpJson.response(500, Map.of("message", ApiContract.INTERNAL_ERROR));
  }
}
