package dev.qbi.identity;

import dev.qbi.core.auth.Principal;
import dev.qbi.core.auth.TokenVerifier;
import dev.qbi.core.error.UnauthorizedException;
import java.util.Objects;

/**
 * A token check for tokens of the local pool: the signature and claims checks of {@code
 * signatures}, then whether the token's user still exists and is enabled, so the tokens of a
 * deleted or disabled user stop working at once instead of at their expiry. (Cognito itself keeps
 * accepting an ID token until it expires; this pool does better because it is in the same process.)
 */
public final class ActiveUserVerifier implements TokenVerifier {
  private final TokenVerifier signatures;
  private final LocalIdentityProvider pool;

  public ActiveUserVerifier(TokenVerifier signatures, LocalIdentityProvider pool) {
    this.signatures = Objects.requireNonNull(signatures, "signatures");
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Principal verify(String token) {
    Principal principal = signatures.verify(token);
    if (!pool.isActive(principal.sub())) {
      throw new UnauthorizedException("the token's user is deleted or disabled");
    }
    return principal;
  }
}
