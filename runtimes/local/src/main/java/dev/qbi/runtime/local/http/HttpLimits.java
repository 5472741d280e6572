package dev.qbi.runtime.local.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP listener's limits: how many connections it holds, and how long a connection may stay
 * silent or take to send its request headers.
 *
 * @param maxConnections open connections at most; beyond it a new connection is answered 503 and
 *     closed at once. 0 derives it from the process's descriptor limit (leaving room for the
 *     databases, outputs and the JVM); an explicit value is used as given
 * @param idleTimeout a connection that sends nothing for this long is closed: between requests, and
 *     a client gone silent in the middle of its request (each read waits at most this long)
 * @param headerTimeout a request's line and headers must have arrived this long after the
 *     connection opened (or after the request line, for later requests on the connection), or the
 *     connection is closed: slow senders cannot hold connections
 */
public record HttpLimits(int maxConnections, Duration idleTimeout, Duration headerTimeout) {

  /** Connections at most when the descriptor limit does not say less. */
  public static final int DEFAULT_MAX_CONNECTIONS = 4096;

  public static final String IDLE_TIMEOUT_TEXT = "PT60S";
  public static final String HEADER_TIMEOUT_TEXT = "PT20S";

  public static final HttpLimits DEFAULTS =
      new HttpLimits(0, Duration.parse(IDLE_TIMEOUT_TEXT), Duration.parse(HEADER_TIMEOUT_TEXT));

  public HttpLimits {
    if (maxConnections < 0) {
      throw new IllegalArgumentException("max connections must be >= 0 (0 = derived)");
    }
    requirePositive(idleTimeout, "idle timeout");
    requirePositive(headerTimeout, "header timeout");
  }

  private static void requirePositive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive");
    }
  }
}
