package dev.qbi.runtime.local.api;

import dev.qbi.core.api.ApiContract;
import dev.qbi.core.error.IngestionException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses. Client mistakes get a 4xx with a JSON
 * message; a store that cannot take writes for now a 503 with {@code Retry-After}; anything else a
 * 500 with a generic message (the details go to the log, never to the client).
 */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  public static void register(HttpRouting.Builder routing) {
    routing.error(IngestionException.class, ApiErrors::handle);
    routing.error(RuntimeException.class, ApiErrors::unexpected);
  }

  static void handle(ServerRequest req, ServerResponse res, IngestionException e) {
    int status = ApiContract.httpStatus(e);
    if (status == 503) {
      // the storage cannot take writes (logged by the writer, once): the client retries later
      res.header(HeaderNames.RETRY_AFTER, String.valueOf(ApiContract.RETRY_AFTER_SECONDS));
      LOG.debug(
          "{} {} refused: {}", req.prologue().method().text(), req.path().path(), e.toString());
    } else if (status >= 500) {
      LOG.error(
          "{} {} failed: {}", req.prologue().method().text(), req.path().path(), e.toString());
    }
    Json.send(res, status, ApiContract.errorBody(e));
  }

  static void unexpected(ServerRequest req, ServerResponse res, RuntimeException e) {
    LOG.error("{} {} failed", req.prologue().method().text(), req.path().path(), e);
    Json.error(res, 500, ApiContract.INTERNAL_ERROR);
  }
}
