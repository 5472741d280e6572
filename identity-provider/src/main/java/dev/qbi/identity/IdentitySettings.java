package dev.qbi.identity;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of the local user pool.
 *
 * @param poolId the user pool id ({@code local_ingestion} by default); Cognito's pattern {@code
 *     [\w-]+_[0-9a-zA-Z]+}
 * @param clientId the one app client id ({@code ingestion-local-client} by default)
 * @param issuer the tokens' {@code iss}: {@code http://HOST:PORT/<poolId>}, which must end with
 *     {@code /<poolId>} (the JWKS is served at {@code <issuer>/.well-known/jwks.json})
 * @param passwordIterations PBKDF2 iterations for new password hashes (210,000 by default; tests
 *     use fewer)
 * @param idTokenValidity lifetime of id tokens (1 h)
 * @param accessTokenValidity lifetime of access tokens (1 h); InitiateAuth's {@code ExpiresIn}
 * @param refreshTokenValidity lifetime of refresh tokens (30 days)
 * @param maxFailedAttempts failed logins (or confirmation codes) in a row before a user is locked
 *     (5)
 * @param lockoutBase the first lock's length; each further failure doubles it (1 s, as Cognito)
 * @param lockoutMax the longest lock (15 min)
 * @param hashingThreads threads that compute password hashes (the number of CPUs by default);
 *     sign-ins and sign-ups beyond them wait in a short queue
 * @param hashingQueue how many password hashes may wait for a thread (4 per thread by default);
 *     beyond that, sign-in and sign-up answer {@code TooManyRequestsException} at once
 */
public record IdentitySettings(
    String poolId,
    String clientId,
    String issuer,
    int passwordIterations,
    Duration idTokenValidity,
    Duration accessTokenValidity,
    Duration refreshTokenValidity,
    int maxFailedAttempts,
    Duration lockoutBase,
    Duration lockoutMax,
    int hashingThreads,
    int hashingQueue) {

  public static final String DEFAULT_POOL_ID = "local_ingestion";
  public static final String DEFAULT_CLIENT_ID = "ingestion-local-client";
  public static final int DEFAULT_PASSWORD_ITERATIONS = 210_000;

  /**
   * One hashing thread per core but one: a sign-in flood never takes every core from the API (on 2
   * cores, one hashes while the other answers job requests).
   */
  public static final int DEFAULT_HASHING_THREADS =
      Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  private static final Pattern POOL_ID = Pattern.compile("[\\w-]+_[0-9a-zA-Z]+");
  private static final Pattern CLIENT_ID = Pattern.compile("[\\w+-]{1,128}");

  public IdentitySettings {
    Objects.requireNonNull(poolId, "poolId");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(issuer, "issuer");
    if (!POOL_ID.matcher(poolId).matches() || poolId.length() > 55) {
      throw new IllegalArgumentException("poolId must match [\\w-]+_[0-9a-zA-Z]+");
    }
    if (!CLIENT_ID.matcher(clientId).matches()) {
      throw new IllegalArgumentException("clientId must be 1-128 of [A-Za-z0-9_+-]");
    }
    URI uri = URI.create(issuer);
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || !issuer.endsWith("/" + poolId)) {
      throw new IllegalArgumentException("issuer must be http(s)://HOST[:PORT]/" + poolId);
    }
    if (passwordIterations < 1) {
      throw new IllegalArgumentException("passwordIterations must be positive");
    }
    positive(idTokenValidity, "idTokenValidity");
    positive(accessTokenValidity, "accessTokenValidity");
    positive(refreshTokenValidity, "refreshTokenValidity");
    if (maxFailedAttempts < 1) {
      throw new IllegalArgumentException("maxFailedAttempts must be positive");
    }
    positive(lockoutBase, "lockoutBase");
    positive(lockoutMax, "lockoutMax");
    if (hashingThreads < 1 || hashingQueue < 0) {
      throw new IllegalArgumentException("hashingThreads must be >= 1 and hashingQueue >= 0");
    }
  }

  /**
   * Defaults for the token lifetimes (1 h, 1 h, 30 days), the lockout (5 failures, 1 s doubling up
   * to 15 min) and password hashing (one thread per CPU, 4 waiting per thread).
   */
  public IdentitySettings(String poolId, String clientId, String issuer, int passwordIterations) {
    this(
        poolId,
        clientId,
        issuer,
        passwordIterations,
        Duration.ofHours(1),
        Duration.ofHours(1),
        Duration.ofDays(30),
        5,
        Duration.ofSeconds(1),
        Duration.ofMinutes(15),
        DEFAULT_HASHING_THREADS,
        4 * DEFAULT_HASHING_THREADS);
  }

  /** Defaults for everything but the pool id, client id and issuer. */
  public static IdentitySettings of(String poolId, String clientId, String issuer) {
    return new IdentitySettings(poolId, clientId, issuer, DEFAULT_PASSWORD_ITERATIONS);
  }

  /** Default pool and client id, issuer {@code http://host:port/local_ingestion}. */
  public static IdentitySettings defaults(String host, int port) {
    return of(DEFAULT_POOL_ID, DEFAULT_CLIENT_ID, issuerFor(host, port, DEFAULT_POOL_ID));
  }

  /** {@code http://HOST:PORT/<poolId>}, with an IPv6 host in brackets. */
  public static String issuerFor(String host, int port, String poolId) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port + "/" + poolId;
  }

  public IdentitySettings withPasswordIterations(int iterations) {
    return new IdentitySettings(
        poolId,
        clientId,
        issuer,
        iterations,
        idTokenValidity,
        accessTokenValidity,
        refreshTokenValidity,
        maxFailedAttempts,
        lockoutBase,
        lockoutMax,
        hashingThreads,
        hashingQueue);
  }

  public IdentitySettings withTokenValidity(Duration idToken, Duration accessToken) {
    return new IdentitySettings(
        poolId,
        clientId,
        issuer,
        passwordIterations,
        idToken,
        accessToken,
        refreshTokenValidity,
        maxFailedAttempts,
        lockoutBase,
        lockoutMax,
        hashingThreads,
        hashingQueue);
  }

  public IdentitySettings withRefreshTokenValidity(Duration refreshToken) {
    return new IdentitySettings(
        poolId,
        clientId,
        issuer,
        passwordIterations,
        idTokenValidity,
        accessTokenValidity,
        refreshToken,
        maxFailedAttempts,
        lockoutBase,
        lockoutMax,
        hashingThreads,
        hashingQueue);
  }

  public IdentitySettings withLockout(int maxFailedAttempts, Duration base, Duration max) {
    return new IdentitySettings(
        poolId,
        clientId,
        issuer,
        passwordIterations,
        idTokenValidity,
        accessTokenValidity,
        refreshTokenValidity,
        maxFailedAttempts,
        base,
        max,
        hashingThreads,
        hashingQueue);
  }

  /** Password hashing on {@code threads} threads with up to {@code queue} hashes waiting. */
  public IdentitySettings withHashing(int threads, int queue) {
    return new IdentitySettings(
        poolId,
        clientId,
        issuer,
        passwordIterations,
        idTokenValidity,
        accessTokenValidity,
        refreshTokenValidity,
        maxFailedAttempts,
        lockoutBase,
        lockoutMax,
        threads,
        queue);
  }

  /** Where the pool's JWKS is served: {@code <issuer>/.well-known/jwks.json}. */
  public String jwksUri() {
    return issuer + "/.well-known/jwks.json";
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
