package dev.qbi.runtime.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.ApiException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import javax.net.ssl.SSLException;

/**
 * One-line explanations of why a call to the server failed, for the commands' error lines: never a
 * bare exception name or {@code null}.
 */
public final class Failures {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_CHARS = 200;

  private Failures() {}

  /**
   * Why {@code e} happened talking to {@code endpoint}: unreachable ({@code cannot reach URL:
   * connection refused}), timed out, a TLS problem, or whatever else the exception says.
   */
  public static String unreachable(Throwable e, String endpoint) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof HttpConnectTimeoutException) {
        return "cannot reach " + endpoint + ": connection timed out";
      }
      if (c instanceof ConnectException) {
        return "cannot reach " + endpoint + ": connection refused";
      }
      if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
        return "cannot reach " + endpoint + ": unknown host";
      }
      if (c instanceof HttpTimeoutException) {
        return endpoint + " did not answer in time";
      }
      if (c instanceof SSLException) {
        return "TLS handshake with "
            + endpoint
            + " failed: "
            + (untrusted(c)
                ? "its certificate is not trusted (trust it with --ca-cert PEM or INGEST_CA_CERT,"
                    + " e.g. the DATA_DIR/tls/cert.pem of 'serve --tls self-signed')"
                : text(c));
      }
    }
    return "cannot talk to " + endpoint + ": " + text(e);
  }

  /** No trusted certificate signed the server's (as opposed to, e.g., a name mismatch). */
  private static boolean untrusted(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof CertPathBuilderException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The message of an error answer: the {@code message} (or the original's {@code Error Message})
   * field of a JSON body, else the body itself, shortened; or the status alone.
   */
  public static String answerMessage(ApiException e) {
    String body = e.body().strip();
    if (body.isEmpty()) {
      return "HTTP " + e.statusCode();
    }
    try {
      JsonNode json = JSON.readTree(body);
      for (String field : new String[] {"message", "Error Message", "Message"}) {
        if (json != null && json.path(field).isTextual()) {
          return json.path(field).asText();
        }
      }
    } catch (IOException notJson) {
      // fall through to the raw body
    }
    return body.length() <= MAX_BODY_CHARS ? body : body.substring(0, MAX_BODY_CHARS) + "…";
  }

  /** The exception's message, or its type when it has none. */
  public static String text(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
