package dev.qbi.runtime.local.api;

import dev.qbi.core.api.ApiContract;
import dev.qbi.core.auth.Principal;
import dev.qbi.core.auth.TokenVerifier;
import dev.qbi.core.error.UnauthorizedException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Objects;

/**
 * Reads the token from the {@code Authorization} header — the raw IdToken as the original API takes
 * it, or {@code Bearer <token>} ({@link ApiContract#bearerToken}) — and verifies it.
 */
public final class Authenticator {
  private final TokenVerifier verifier;

  public Authenticator(TokenVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  public Principal authenticate(ServerRequest req) {
    String token =
        ApiContract.bearerToken(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))
            .orElseThrow(() -> new UnauthorizedException("Unauthorized"));
    try {
      return verifier.verify(token);
    } catch (UnauthorizedException e) {
      throw new UnauthorizedException("Unauthorized");
    } catch (RuntimeException e) {
      // a verifier fault on a garbage token must still be a 401, not a 500
      throw new UnauthorizedException("Unauthorized");
    }
  }
}
