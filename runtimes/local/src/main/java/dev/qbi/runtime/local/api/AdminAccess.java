package dev.qbi.runtime.local.api;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who may perform an operator's action (the Cognito protocol's {@code Admin*} operations, the
 * {@code /admin} routes): one check for all of them, given the whole request so that a signature
 * over method, path, headers and body can be verified.
 */
@FunctionalInterface
public interface AdminAccess {

  /** Whether {@code request} carries the operator's authority. */
  boolean allows(AdminRequest request);

  /**
   * An operator's request as received.
   *
   * @param headers header names in lower case, values in the order received
   */
  record AdminRequest(
      String method,
      String path,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body,
      SocketAddress peer) {
    public AdminRequest {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      rawQuery = rawQuery == null ? "" : rawQuery;
      headers = Map.copyOf(headers);
      body = body == null ? new byte[0] : body;
    }
  }

  /** Callers on this machine (a loopback peer address). */
  static AdminAccess loopbackOnly() {
    return request ->
        request.peer() instanceof InetSocketAddress inet
            && inet.getAddress() != null
            && inet.getAddress().isLoopbackAddress();
  }

  /** Nobody (tests). */
  static AdminAccess nobody() {
    return request -> false;
  }
}
