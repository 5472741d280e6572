package dev.qbi.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.qbi.core.error.UnauthorizedException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies Cognito-style JWTs (docs/architecture.md); the one token check used by the local server
 * and the Lambda authorizer.
 *
 * <p>Rules, all required: the token is a JWS signed with RS256 (nothing else, {@code none}
 * included, is accepted) by the issuer's RSA key named by the header's {@code kid}; {@code exp} is
 * present and in the future; {@code nbf} and {@code iat}, when present, are not in the future;
 * times allow a small clock skew; {@code iss} equals the configured issuer; {@code token_use} is
 * {@code id} (then {@code aud} contains the client id) or {@code access} (then {@code client_id}
 * equals the client id); {@code sub} is present. Any failure is an {@link UnauthorizedException}
 * with the same short message; the reason is logged at DEBUG, the token never.
 *
 * <p>Verified tokens are cached (keyed by the token itself, bounded, for at most {@code cacheTtl}
 * and never past the token's {@code exp}), as API Gateway caches authorizer results.
 */
public final class JwtTokenVerifier implements TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(JwtTokenVerifier.class);
  private static final String MESSAGE = "Unauthorized";
  private static final int MIN_RSA_BITS = 2048;
  private static final int MAX_TOKEN_CHARS = 16 * 1024;

  private final String issuer;
  private final String clientId;
  private final KeyLookup keys;
  private final Clock clock;
  private final Duration clockSkew;
  private final Duration cacheTtl;
  private final Map<String, Cached> cache;

  private record Cached(Principal principal, Instant validUntil) {}

  private JwtTokenVerifier(Builder b, KeyLookup keys) {
    this.issuer = b.issuer;
    this.clientId = b.clientId;
    this.keys = keys;
    this.clock = b.clock;
    this.clockSkew = b.clockSkew;
    this.cacheTtl = b.cacheTtl;
    int maxEntries = b.cacheMaxEntries;
    this.cache =
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > maxEntries;
          }
        };
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The issuer this verifier accepts. */
  public String issuer() {
    return issuer;
  }

  /** The app client id this verifier accepts. */
  public String clientId() {
    return clientId;
  }

  @Override
  public Principal verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      throw reject("missing or oversized token");
    }
    Instant now = clock.instant();
    // the token itself is the key: an exact match, and hashing a string is far cheaper than a
    // digest of it on every request
    String cacheKey = cacheTtl.isZero() ? null : token;
    if (cacheKey != null) {
      Cached hit;
      synchronized (cache) {
        hit = cache.get(cacheKey);
      }
      if (hit != null) {
        if (now.isBefore(hit.validUntil())) {
          return hit.principal();
        }
        synchronized (cache) {
          cache.remove(cacheKey);
        }
      }
    }
    Principal principal = verifyUncached(token, now);
    if (cacheKey != null) {
      Instant until = now.plus(cacheTtl);
      if (principal.expiresAt().isBefore(until)) {
        until = principal.expiresAt();
      }
      if (now.isBefore(until)) {
        synchronized (cache) {
          cache.put(cacheKey, new Cached(principal, until));
        }
      }
    }
    return principal;
  }

  private Principal verifyUncached(String token, Instant now) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw reject("not a signed JWT");
    }
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
      throw reject("algorithm is not RS256");
    }
    String kid = header.getKeyID();
    if (kid == null || kid.isEmpty()) {
      throw reject("no kid in header");
    }
    RSAKey key = rsaKey(kid);
    try {
      if (!jwt.verify(new RSASSAVerifier(key))) {
        throw reject("bad signature");
      }
    } catch (JOSEException e) {
      throw reject("signature check failed");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw reject("claims are not a JSON object");
    }
    return checkClaims(claims, now);
  }

  private RSAKey rsaKey(String kid) {
    JWK jwk = keys.find(kid).orElseThrow(() -> reject("unknown kid"));
    if (!(jwk instanceof RSAKey rsa)) {
      throw reject("key is not RSA");
    }
    if (rsa.getKeyUse() != null && !KeyUse.SIGNATURE.equals(rsa.getKeyUse())) {
      throw reject("key is not a signing key");
    }
    if (rsa.getAlgorithm() != null && !JWSAlgorithm.RS256.equals(rsa.getAlgorithm())) {
      throw reject("key is not for RS256");
    }
    if (rsa.size() < MIN_RSA_BITS) {
      throw reject("RSA key too short");
    }
    return rsa;
  }

  private Principal checkClaims(JWTClaimsSet claims, Instant now) {
    try {
      Date exp = claims.getExpirationTime();
      if (exp == null) {
        throw reject("no exp");
      }
      Instant expiresAt = exp.toInstant();
      if (!now.isBefore(expiresAt.plus(clockSkew))) {
        throw reject("expired");
      }
      Instant latest = now.plus(clockSkew);
      Date nbf = claims.getNotBeforeTime();
      if (nbf != null && nbf.toInstant().isAfter(latest)) {
        throw reject("not yet valid");
      }
      Date iat = claims.getIssueTime();
      if (iat != null && iat.toInstant().isAfter(latest)) {
        throw reject("issued in the future");
      }
      if (!issuer.equals(claims.getIssuer())) {
        throw reject("wrong issuer");
      }
      String tokenUse = claims.getStringClaim("token_use");
      if ("id".equals(tokenUse)) {
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(clientId)) {
          throw reject("wrong audience");
        }
      } else if ("access".equals(tokenUse)) {
        if (!clientId.equals(claims.getStringClaim("client_id"))) {
          throw reject("wrong client_id");
        }
      } else {
        throw reject("token_use is neither id nor access");
      }
      String sub = claims.getSubject();
      if (sub == null || sub.isBlank()) {
        throw reject("no sub");
      }
      String username = claims.getStringClaim("cognito:username");
      if (username == null) {
        username = claims.getStringClaim("username");
      }
      List<String> groups = claims.getStringListClaim("cognito:groups");
      return new Principal(
          sub,
          username == null ? sub : username,
          groups == null ? List.of() : groups,
          tokenUse,
          expiresAt);
    } catch (ParseException e) {
      throw reject("claim has the wrong type");
    }
  }

  private static UnauthorizedException reject(String reason) {
    LOG.debug("Token rejected: {}", reason);
    return new UnauthorizedException(MESSAGE);
  }

  /** Looks keys up in an in-process key source (the local identity provider's, or a test's). */
  private static KeyLookup fromSource(JWKSource<SecurityContext> source) {
    return kid -> {
      try {
        List<JWK> found =
            source.get(new JWKSelector(new JWKMatcher.Builder().keyID(kid).build()), null);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      } catch (KeySourceException e) {
        LOG.warn("Key source failed: {}", e.getClass().getSimpleName());
        return Optional.empty();
      }
    };
  }

  /**
   * Configures a {@link JwtTokenVerifier}. {@code issuer}, {@code clientId} and a key source are
   * required.
   */
  public static final class Builder {
    private String issuer;
    private String clientId;
    private URI jwksUri;
    private JWKSource<SecurityContext> jwkSource;
    private Clock clock = Clock.systemUTC();
    private Duration clockSkew = Duration.ofSeconds(30);
    private Duration cacheTtl = Duration.ofMinutes(5);
    private int cacheMaxEntries = 4_096;
    private Duration jwksMinRefreshInterval = Duration.ofSeconds(30);
    private Duration jwksMaxAge = Duration.ofHours(1);
    private Duration jwksTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * The exact {@code iss} to accept, e.g. {@code https://cognito-idp.REGION.amazonaws.com/POOL}.
     */
    public Builder issuer(String issuer) {
      this.issuer = requireText(issuer, "issuer");
      return this;
    }

    /** The app client id: {@code aud} of id tokens, {@code client_id} of access tokens. */
    public Builder clientId(String clientId) {
      this.clientId = requireText(clientId, "clientId");
      return this;
    }

    /** Fetch the issuer's keys from this JWKS URL (cached; see {@link #jwksMinRefreshInterval}). */
    public Builder jwksUri(URI jwksUri) {
      this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
      this.jwkSource = null;
      return this;
    }

    /** Take the issuer's keys from an in-process source (the local identity provider). */
    public Builder jwkSource(JWKSource<SecurityContext> jwkSource) {
      this.jwkSource = Objects.requireNonNull(jwkSource, "jwkSource");
      this.jwksUri = null;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Tolerance for {@code exp}, {@code nbf} and {@code iat}; default 30 s. */
    public Builder clockSkew(Duration clockSkew) {
      this.clockSkew = nonNegative(clockSkew, "clockSkew");
      return this;
    }

    /** How long a verified token is remembered (never past its {@code exp}); zero disables. */
    public Builder cacheTtl(Duration cacheTtl) {
      this.cacheTtl = nonNegative(cacheTtl, "cacheTtl");
      return this;
    }

    /** Bound of the verified-token cache; least recently used entries go first. */
    public Builder cacheMaxEntries(int cacheMaxEntries) {
      if (cacheMaxEntries < 1) {
        throw new IllegalArgumentException("cacheMaxEntries must be positive");
      }
      this.cacheMaxEntries = cacheMaxEntries;
      return this;
    }

    /**
     * Remote JWKS: at most one fetch per this interval, however many unknown kids; default 30 s.
     */
    public Builder jwksMinRefreshInterval(Duration interval) {
      this.jwksMinRefreshInterval = nonNegative(interval, "jwksMinRefreshInterval");
      return this;
    }

    /** Remote JWKS: fetch again when the copy is older than this; default 1 h. */
    public Builder jwksMaxAge(Duration maxAge) {
      this.jwksMaxAge = nonNegative(maxAge, "jwksMaxAge");
      return this;
    }

    /** Remote JWKS: connect and request timeout; default 5 s. */
    public Builder jwksTimeout(Duration timeout) {
      if (nonNegative(timeout, "jwksTimeout").isZero()) {
        throw new IllegalArgumentException("jwksTimeout must be positive");
      }
      this.jwksTimeout = timeout;
      return this;
    }

    public JwtTokenVerifier build() {
      requireText(issuer, "issuer");
      requireText(clientId, "clientId");
      KeyLookup lookup;
      if (jwkSource != null) {
        lookup = fromSource(jwkSource);
      } else if (jwksUri != null) {
        lookup = new RemoteJwks(jwksUri, clock, jwksMinRefreshInterval, jwksMaxAge, jwksTimeout);
      } else {
        throw new IllegalStateException("either jwksUri or jwkSource is required");
      }
      return new JwtTokenVerifier(this, lookup);
    }

    private static String requireText(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " is required");
      }
      return value;
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return d;
    }
  }
}
