package dev.qbi.identity;

import java.util.Optional;

/**
 * Tokens from InitiateAuth, in Cognito's shape. {@code refreshToken} is present only for password
 * authentication (a refresh does not hand out a new refresh token).
 */
public record AuthenticationResult(
    String accessToken,
    String idToken,
    Optional<String> refreshToken,
    long expiresIn,
    String tokenType) {

  @Override
  public String toString() {
    return "AuthenticationResult[expiresIn=" + expiresIn + ", tokenType=" + tokenType + "]";
  }
}
