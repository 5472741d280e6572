package dev.qbi.runtime.local.api;

import dev.qbi.core.api.ApiContract;
import dev.qbi.core.error.IngestionException;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses, all with the JSON error body {@code
 * {"message": ...}}. Client mistakes get a 4xx with a message; a store that cannot take writes for
 * now a 503 with {@code Retry-After}; Helidon's own refusals (an unknown route: 404) their status;
 * anything else a 500 with a generic message (the details go to the log, never to the client). A
 * client that goes away in the middle of its request is one line in the log, at debug.
 */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  public static void register(HttpRouting.Builder routing) {
    routing.error(IngestionException.class, ApiErrors::handle);
    routing.error(HttpException.class, ApiErrors::http);
    routing.error(RuntimeException.class, ApiErrors::unexpected);
  }

  static void handle(ServerRequest req, ServerResponse res, IngestionException e) {
    int status = ApiContract.httpStatus(e);
    if (status == 503) {
      // the storage cannot take writes (logged by the writer, once): the client retries later
      res.header(HeaderNames.RETRY_AFTER, String.valueOf(ApiContract.RETRY_AFTER_SECONDS));
      LOG.debug("{} {} refused: {}", method(req), req.path().path(), e.toString());
    } else if (status >= 500) {
      LOG.error("{} {} failed: {}", method(req), req.path().path(), e.toString());
    }
    Json.send(res, status, ApiContract.errorBody(e));
  }

  /** Helidon's own: 404 for a route that does not exist, 400 for what it cannot parse, ... */
  static void http(ServerRequest req, ServerResponse res, HttpException e) {
    int status = e.status().code();
    if (status >= 500) {
      unexpected(req, res, e);
      return;
    }
    Json.error(res, status, status == 404 ? "Endpoint not found" : e.status().reasonPhrase());
  }

  static void unexpected(ServerRequest req, ServerResponse res, RuntimeException e) {
    if (aborted(e)) {
      LOG.debug("{} {}: the client went away: {}", method(req), req.path().path(), e.toString());
      Json.error(res, 400, "The request was cut short");
      return;
    }
    LOG.error("{} {} failed", method(req), req.path().path(), e);
    Json.error(res, 500, ApiContract.INTERNAL_ERROR);
  }

  /** The connection ended (or went silent) in the middle of the request. */
  static boolean aborted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataReader.InsufficientDataAvailableException
          || t instanceof EOFException
          || t instanceof SocketException
          || t instanceof InterruptedIOException) {
        return true;
      }
    }
    return false;
  }

  private static String method(ServerRequest req) {
    return req.prologue().method().text();
  }
}
