package dev.qbi.runtime.local.api;

import dev.qbi.client.AwsCredentials;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may perform an operator's action (the Cognito protocol's {@code Admin*} operations, the
 * {@code /admin} routes): one check for all of them, given the whole request so that a signature
 * over method, path, headers and body can be verified. The server's check is {@link #sigV4}: the
 * request must be signed (AWS Signature Version 4) with the admin key pair of the data dir's {@code
 * admin-credentials}. Where the request comes from (loopback or not) counts for nothing.
 */
@FunctionalInterface
public interface AdminAccess {

  /** Whether {@code request} carries the operator's authority. */
  boolean allows(AdminRequest request);

  /**
   * Why {@code request} is refused, or empty when it carries the operator's authority. Checks that
   * can tell why (a missing, unknown, stale or wrong signature) override this; the default refuses
   * with {@code NotAuthorizedException}.
   */
  default Optional<Refusal> refusal(AdminRequest request) {
    return allows(request)
        ? Optional.empty()
        : Optional.of(new Refusal("NotAuthorizedException", "Not authorized."));
  }

  /**
   * A refused operator's request, in the words of AWS: the error type (e.g. {@code
   * MissingAuthenticationTokenException}, {@code UnrecognizedClientException}, {@code
   * InvalidSignatureException}) and its message.
   */
  record Refusal(String type, String message) {
    public Refusal {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * An operator's request as received.
   *
   * @param path the raw (still percent-encoded) path
   * @param rawQuery the raw query string, empty if none
   * @param headers header names in lower case, values in the order received
   * @param peer the connection's remote address (logged; never a credential)
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

    /** The first value of header {@code name} (lower case). */
    public Optional<String> header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
  }

  /**
   * Requests signed with AWS Signature Version 4 by {@code admin}'s key pair (any region; service
   * {@code cognito-idp} or {@code ingest}), dated within 15 minutes of {@code clock}.
   */
  static AdminAccess sigV4(AwsCredentials admin, Clock clock) {
    return new SigV4Verifier(Map.of(admin.accessKeyId(), admin.secretAccessKey()), clock);
  }

  /** Nobody (tests). */
  static AdminAccess nobody() {
    return request -> false;
  }
}
