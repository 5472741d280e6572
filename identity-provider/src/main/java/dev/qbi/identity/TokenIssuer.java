package dev.qbi.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.auth.Principal;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.identity.IdentityStore.User;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * The pool's tokens: Cognito-shaped ID and access tokens RS256-signed with the pool's key, opaque
 * refresh tokens stored only as hashes, and the check of access tokens presented back to the pool.
 */
final class TokenIssuer {
  /** The access tokens' {@code scope}. */
  static final String SCOPE = "aws.cognito.signin.user.admin";

  private final IdentitySettings settings;
  private final IdentityStore store;
  private final RSAKey signingKey;
  private final JWSSigner signer;
  private final JWKSet publicJwks;
  private final JWKSource<SecurityContext> jwkSource;
  private final JwtTokenVerifier accessTokenVerifier;
  private final SecureRandom random;

  TokenIssuer(
      IdentitySettings settings,
      Clock clock,
      IdentityStore store,
      RSAKey signingKey,
      SecureRandom random) {
    this.settings = settings;
    this.store = store;
    this.signingKey = signingKey;
    this.random = random;
    try {
      this.signer = new RSASSASigner(signingKey);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing key is not usable", e);
    }
    this.publicJwks = new JWKSet(signingKey.toPublicJWK());
    this.jwkSource = new ImmutableJWKSet<>(publicJwks);
    this.accessTokenVerifier =
        JwtTokenVerifier.builder()
            .issuer(settings.issuer())
            .clientId(settings.clientId())
            .jwkSource(jwkSource)
            .clock(clock)
            .clockSkew(Duration.ZERO)
            .cacheTtl(Duration.ZERO)
            .build();
  }

  JWKSet publicJwks() {
    return publicJwks;
  }

  JWKSource<SecurityContext> jwkSource() {
    return jwkSource;
  }

  /**
   * The principal of a valid, unexpired access token of this pool (not an ID token).
   *
   * @throws CognitoException {@code NotAuthorizedException} otherwise
   */
  Principal verifyAccessToken(String accessToken) {
    Principal principal;
    try {
      principal = accessTokenVerifier.verify(accessToken);
    } catch (UnauthorizedException e) {
      throw CognitoException.notAuthorized("Invalid Access Token");
    }
    if (!"access".equals(principal.tokenUse())) {
      throw CognitoException.notAuthorized("Invalid Access Token");
    }
    return principal;
  }

  /**
   * Issues an access and an ID token for {@code user}, and with {@code withRefreshToken} a new
   * refresh token (stored as its hash) that remembers {@code authTime}.
   */
  AuthenticationResult issue(
      User user, String clientId, Instant authTime, Instant now, boolean withRefreshToken) {
    String originJti = UUID.randomUUID().toString();
    String eventId = UUID.randomUUID().toString();
    long authTimeSeconds = authTime.getEpochSecond();

    JWTClaimsSet.Builder id =
        new JWTClaimsSet.Builder()
            .subject(user.sub())
            .issuer(settings.issuer())
            .audience(clientId)
            .claim("cognito:username", user.username())
            .claim("origin_jti", originJti)
            .claim("event_id", eventId)
            .claim("token_use", "id")
            .claim("auth_time", authTimeSeconds)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(settings.idTokenValidity())))
            .jwtID(UUID.randomUUID().toString());
    user.attributes()
        .forEach(
            (name, value) -> {
              if (name.endsWith("_verified")) {
                id.claim(name, Boolean.parseBoolean(value));
              } else {
                id.claim(name, value);
              }
            });

    JWTClaimsSet access =
        new JWTClaimsSet.Builder()
            .subject(user.sub())
            .issuer(settings.issuer())
            .claim("client_id", clientId)
            .claim("origin_jti", originJti)
            .claim("event_id", eventId)
            .claim("token_use", "access")
            .claim("scope", SCOPE)
            .claim("auth_time", authTimeSeconds)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(settings.accessTokenValidity())))
            .jwtID(UUID.randomUUID().toString())
            .claim("username", user.username())
            .build();

    Optional<String> refresh = Optional.empty();
    if (withRefreshToken) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      store.insertRefreshToken(
          Sha256.hex(token),
          user.sub(),
          clientId,
          authTime,
          now,
          now.plus(settings.refreshTokenValidity()));
      refresh = Optional.of(token);
    }
    return new AuthenticationResult(
        sign(access),
        sign(id.build()),
        refresh,
        settings.accessTokenValidity().toSeconds(),
        "Bearer");
  }

  private String sign(JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }
}
