package dev.qbi.client;

import java.io.IOException;

/**
 * A non-2xx answer of the job API, of a download link or of the user pool, with its status code and
 * body. It is an {@link IOException}, like every other way a call can fail, so that a caller that
 * does not care why a call failed has one exception to handle; catch this type first to tell an
 * answer from an unreachable server.
 */
public class ApiException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final int MESSAGE_BODY_CHARS = 300;

  private final int statusCode;
  private final String body;

  /**
   * @param what the call, for the message (e.g. {@code "GET /jobs"})
   * @param statusCode the answer's HTTP status
   * @param body the answer's body as text (empty when there was none)
   */
  public ApiException(String what, int statusCode, String body) {
    super(what + " answered HTTP " + statusCode + bodyForMessage(body));
    this.statusCode = statusCode;
    this.body = body;
  }

  /** The answer's HTTP status code. */
  public int statusCode() {
    return statusCode;
  }

  /** The answer's whole body as text (UTF-8); empty when there was none. */
  public String body() {
    return body;
  }

  private static String bodyForMessage(String body) {
    if (body.isEmpty()) {
      return "";
    }
    return ": "
        + (body.length() <= MESSAGE_BODY_CHARS
            ? body
            : body.substring(0, MESSAGE_BODY_CHARS) + "…");
  }
}
