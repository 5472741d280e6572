package dev.qbi.runtime.local.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import java.nio.charset.StandardCharsets;

/**
 * The errors Helidon answers before any route runs (a bad request line, a URI or headers too long,
 * a body over the size limit, an unsupported HTTP version, too many concurrent requests), with the
 * API's JSON error body {@code {"message": ...}} instead of an empty or plain-text one. The message
 * depends on the status only: nothing of the request is echoed.
 */
final class TransportErrors {
  private TransportErrors() {}

  static DirectHandlers handlers() {
    DirectHandler json =
        (request, eventType, status, headers, message) -> {
          if (status.code() == 503) {
            headers.set(HeaderNames.RETRY_AFTER, "1");
          }
          headers.set(HeaderNames.CONTENT_TYPE, "application/json");
          return DirectHandler.TransportResponse.builder()
              .status(status)
              .headers(headers)
              .entity(body(status))
              .build();
        };
    DirectHandlers.Builder builder = DirectHandlers.builder();
    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
      builder.addHandler(type, json);
    }
    return builder.build();
  }

  /** {@code {"message": ...}} for this status. */
  static byte[] body(Status status) {
    String text = "{\"message\":\"" + message(status) + "\"}";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String message(Status status) {
    return switch (status.code()) {
      case 400 -> "Bad request: the request is not valid HTTP/1.1";
      case 403 -> "Forbidden";
      case 404 -> "Endpoint not found";
      case 405 -> "Method not allowed";
      case 408 -> "Request timeout";
      case 413 -> "Request body too large";
      case 414 -> "Request line too long";
      case 431 -> "Request headers too large";
      case 503 -> "Too many concurrent requests. Retry later.";
      case 505 -> "HTTP version not supported: use HTTP/1.1";
      default -> status.code() >= 500 ? "Internal server error" : "Request refused";
    };
  }
}
