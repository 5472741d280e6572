package dev.qbi.core.auth;

import dev.qbi.core.error.UnauthorizedException;

/** Checks a bearer token (docs/architecture.md) and says whose it is. Never logs the token. */
public interface TokenVerifier {

  /**
   * @param token the raw JWT (without any {@code Bearer } prefix)
   * @throws UnauthorizedException when the token is missing, malformed, badly signed, expired, or
   *     for another issuer / client
   */
  Principal verify(String token);
}
