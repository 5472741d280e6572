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
import dev.qbi.identity.IdentityStore.RefreshToken;
import dev.qbi.identity.IdentityStore.User;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user pool on the local machine, mirroring the parts of Amazon Cognito the product uses
 * (docs/architecture.md): sign-up with a confirmation code, admin confirmation, password and
 * refresh-token authentication, deletion and GetUser. Tokens look like Cognito's and are
 * RS256-signed with the pool's persistent key; {@link #jwkSource()} lets a {@link JwtTokenVerifier}
 * check them in-process.
 *
 * <p>State lives in the data dir: {@code identity.db} (users with PBKDF2 password hashes,
 * refresh-token hashes) and {@code keys/signing-key.json}; both survive restarts. Login failures
 * never tell whether the user exists, and repeated failures lock the user for a growing time.
 *
 * <p>Errors are {@link CognitoException}s carrying Cognito's {@code __type}. Thread-safe.
 */
public final class LocalIdentityProvider implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalIdentityProvider.class);

  /** The database file in the data dir. */
  public static final String DATABASE_FILE = "identity.db";

  static final String SCOPE = "aws.cognito.signin.user.admin";
  private static final Duration CODE_VALIDITY = Duration.ofHours(24);
  private static final String INCORRECT = "Incorrect username or password.";
  private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
  private static final Set<String> STANDARD_ATTRIBUTES =
      Set.of(
          "address",
          "birthdate",
          "email",
          "family_name",
          "gender",
          "given_name",
          "locale",
          "middle_name",
          "name",
          "nickname",
          "phone_number",
          "picture",
          "preferred_username",
          "profile",
          "updated_at",
          "website",
          "zoneinfo");

  private final IdentitySettings settings;
  private final Clock clock;
  private final ConfirmationCodeSink codeSink;
  private final IdentityStore store;
  private final RSAKey signingKey;
  private final JWSSigner signer;
  private final JWKSet publicJwks;
  private final JWKSource<SecurityContext> jwkSource;
  private final JwtTokenVerifier accessTokenVerifier;
  private final PasswordHasher hasher;
  private final SecureRandom random = new SecureRandom();

  private LocalIdentityProvider(
      IdentitySettings settings,
      Clock clock,
      ConfirmationCodeSink codeSink,
      IdentityStore store,
      RSAKey signingKey) {
    this.settings = settings;
    this.clock = clock;
    this.codeSink = codeSink;
    this.store = store;
    this.signingKey = signingKey;
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
    this.hasher = new PasswordHasher(settings.passwordIterations(), random);
  }

  /** Opens (creating if needed) the pool in {@code dataDir}; codes are written to the log. */
  public static LocalIdentityProvider open(Path dataDir, IdentitySettings settings, Clock clock) {
    return open(dataDir, settings, clock, ConfirmationCodeSink.log());
  }

  /** Opens (creating if needed) the pool in {@code dataDir}, handing codes to {@code codeSink}. */
  public static LocalIdentityProvider open(
      Path dataDir, IdentitySettings settings, Clock clock, ConfirmationCodeSink codeSink) {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(codeSink, "codeSink");
    RSAKey key = SigningKey.loadOrCreate(dataDir);
    IdentityStore store = IdentityStore.open(dataDir.resolve(DATABASE_FILE));
    try {
      store.purgeRefreshTokens(clock.instant());
      LocalIdentityProvider idp = new LocalIdentityProvider(settings, clock, codeSink, store, key);
      LOG.info(
          "Local identity provider ready: pool {}, client {}, issuer {}, key {}",
          settings.poolId(),
          settings.clientId(),
          settings.issuer(),
          key.getKeyID());
      return idp;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  public IdentitySettings settings() {
    return settings;
  }

  public String poolId() {
    return settings.poolId();
  }

  public String clientId() {
    return settings.clientId();
  }

  /** The tokens' {@code iss}: {@code http://HOST:PORT/<poolId>}. */
  public String issuer() {
    return settings.issuer();
  }

  /** The public signing key(s), as served at {@code <issuer>/.well-known/jwks.json}. */
  public JWKSet publicJwks() {
    return publicJwks;
  }

  /** The public keys for an in-process {@link JwtTokenVerifier}. */
  public JWKSource<SecurityContext> jwkSource() {
    return jwkSource;
  }

  /**
   * SignUp: creates an unconfirmed user and delivers a 6-digit confirmation code to the {@link
   * ConfirmationCodeSink}.
   *
   * @param attributes standard OIDC attributes ({@code email}, {@code name}, ...) or {@code
   *     custom:*}
   */
  public SignUpResult signUp(
      String clientId, String username, String password, Map<String, String> attributes) {
    checkClient(clientId);
    checkUsername(username);
    PasswordPolicy.check(password);
    Map<String, String> attrs = checkAttributes(attributes == null ? Map.of() : attributes);
    if (attrs.containsKey("email")) {
      attrs.put("email_verified", "false");
    }
    String sub = UUID.randomUUID().toString();
    String code = String.format("%06d", random.nextInt(1_000_000));
    Instant now = clock.instant();
    User user =
        new User(
            username,
            sub,
            attrs,
            hasher.hash(password),
            false,
            codeHash(sub, code),
            now.plus(CODE_VALIDITY),
            0,
            Instant.EPOCH);
    if (!store.insertUser(user, now)) {
      throw new CognitoException(CognitoException.USERNAME_EXISTS, "User already exists");
    }
    CodeDeliveryDetails delivery = deliveryDetails(attrs.get("email"));
    LOG.info("Signed up user {} (sub {}); confirmation pending", username, sub);
    codeSink.deliver(username, delivery, code);
    return new SignUpResult(sub, false, delivery);
  }

  /** ConfirmSignUp: confirms the user with the code it was sent; verifies its email. */
  public void confirmSignUp(String clientId, String username, String code) {
    checkClient(clientId);
    required(username, "Username");
    required(code, "ConfirmationCode");
    Instant now = clock.instant();
    User user = store.findByUsername(username).orElseThrow(LocalIdentityProvider::codeMismatch);
    if (user.confirmed()) {
      throw alreadyConfirmed();
    }
    User state =
        store
            .beginAttempt(user.sub(), now, this::lockUntil)
            .orElseThrow(LocalIdentityProvider::codeMismatch);
    if (state.lockedUntil().isAfter(now)) {
      throw new CognitoException(
          CognitoException.LIMIT_EXCEEDED, "Attempt limit exceeded, please try after some time.");
    }
    if (state.codeHash() == null
        || state.codeExpiresAt() == null
        || !now.isBefore(state.codeExpiresAt())) {
      throw new CognitoException(
          CognitoException.EXPIRED_CODE, "Invalid code provided, please request a code again.");
    }
    byte[] expected = state.codeHash().getBytes(StandardCharsets.US_ASCII);
    byte[] actual = codeHash(state.sub(), code).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, actual)) {
      LOG.info("Wrong confirmation code for user {}", state.sub());
      throw codeMismatch();
    }
    Map<String, String> attrs = new LinkedHashMap<>(state.attributes());
    if (attrs.containsKey("email")) {
      attrs.put("email_verified", "true");
    }
    if (!store.confirm(state.sub(), attrs, now)) {
      throw alreadyConfirmed();
    }
    LOG.info("Confirmed user {} with its code", state.sub());
  }

  /** AdminConfirmSignUp: confirms the user without a code (the caller is an administrator). */
  public void adminConfirmSignUp(String poolId, String username) {
    checkPool(poolId);
    required(username, "Username");
    User user = store.findByUsername(username).orElseThrow(LocalIdentityProvider::userNotFound);
    if (user.confirmed() || !store.confirm(user.sub(), user.attributes(), clock.instant())) {
      throw alreadyConfirmed();
    }
    LOG.info("Confirmed user {} by an administrator", user.sub());
  }

  /**
   * InitiateAuth with {@code USER_PASSWORD_AUTH} ({@code USERNAME}, {@code PASSWORD}) or {@code
   * REFRESH_TOKEN_AUTH} ({@code REFRESH_TOKEN}).
   */
  public AuthenticationResult initiateAuth(
      String clientId, String authFlow, Map<String, String> authParameters) {
    checkClient(clientId);
    required(authFlow, "AuthFlow");
    Map<String, String> params = authParameters == null ? Map.of() : authParameters;
    return switch (authFlow) {
      case "USER_PASSWORD_AUTH" -> passwordAuth(clientId, params);
      case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN" -> refreshAuth(clientId, params);
      default ->
          throw CognitoException.invalidParameter(
              "Auth flow " + authFlow + " is not enabled for this client.");
    };
  }

  /** AdminDeleteUser: removes the user and revokes its refresh tokens. */
  public void adminDeleteUser(String poolId, String username) {
    checkPool(poolId);
    required(username, "Username");
    User user = store.findByUsername(username).orElseThrow(LocalIdentityProvider::userNotFound);
    if (!store.deleteUser(user.sub(), clock.instant())) {
      throw userNotFound();
    }
    LOG.info("Deleted user {} and revoked its refresh tokens", user.sub());
  }

  /** GetUser: the user an access token belongs to, with its attributes ({@code sub} first). */
  public UserInfo getUser(String accessToken) {
    required(accessToken, "AccessToken");
    Principal principal;
    try {
      principal = accessTokenVerifier.verify(accessToken);
    } catch (UnauthorizedException e) {
      throw CognitoException.notAuthorized("Invalid Access Token");
    }
    if (!"access".equals(principal.tokenUse())) {
      throw CognitoException.notAuthorized("Invalid Access Token");
    }
    User user =
        store
            .findBySub(principal.sub())
            .orElseThrow(() -> CognitoException.notAuthorized("Access Token has been revoked"));
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("sub", user.sub());
    attributes.putAll(user.attributes());
    return new UserInfo(user.username(), attributes);
  }

  @Override
  public void close() {
    store.close();
  }

  private AuthenticationResult passwordAuth(String clientId, Map<String, String> params) {
    String username = params.get("USERNAME");
    String password = params.get("PASSWORD");
    if (username == null || username.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter USERNAME");
    }
    if (password == null || password.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter PASSWORD");
    }
    Instant now = clock.instant();
    Optional<User> found = store.findByUsername(username);
    if (found.isEmpty()) {
      hasher.matchAgainstDummy(password);
      LOG.info("Login failed: unknown user");
      throw CognitoException.notAuthorized(INCORRECT);
    }
    Optional<User> state = store.beginAttempt(found.get().sub(), now, this::lockUntil);
    if (state.isEmpty()) {
      hasher.matchAgainstDummy(password);
      throw CognitoException.notAuthorized(INCORRECT);
    }
    User user = state.get();
    if (user.lockedUntil().isAfter(now)) {
      LOG.info("Login refused: user {} is locked until {}", user.sub(), user.lockedUntil());
      throw CognitoException.notAuthorized("Password attempts exceeded");
    }
    if (!hasher.matches(password, user.passwordHash())) {
      int failures = user.failedAttempts() + 1;
      if (failures >= settings.maxFailedAttempts()) {
        LOG.warn(
            "Login failed for user {} ({} failures in a row): locked until {}",
            user.sub(),
            failures,
            lockUntil(failures, now));
      } else {
        LOG.info("Login failed for user {}: wrong password", user.sub());
      }
      throw CognitoException.notAuthorized(INCORRECT);
    }
    store.clearAttempts(user.sub(), now);
    if (!user.confirmed()) {
      throw new CognitoException(CognitoException.USER_NOT_CONFIRMED, "User is not confirmed.");
    }
    LOG.info("User {} logged in with a password", user.sub());
    return issueTokens(user, clientId, now, now, true);
  }

  private AuthenticationResult refreshAuth(String clientId, Map<String, String> params) {
    String token = params.get("REFRESH_TOKEN");
    if (token == null || token.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter REFRESH_TOKEN");
    }
    Instant now = clock.instant();
    RefreshToken stored =
        store
            .findRefreshToken(sha256(token))
            .filter(t -> !t.revoked() && t.clientId().equals(clientId))
            .orElseThrow(() -> CognitoException.notAuthorized("Invalid Refresh Token"));
    if (!now.isBefore(stored.expiresAt())) {
      throw CognitoException.notAuthorized("Refresh Token has expired");
    }
    User user =
        store
            .findBySub(stored.sub())
            .filter(User::confirmed)
            .orElseThrow(() -> CognitoException.notAuthorized("Refresh Token has been revoked"));
    LOG.info("User {} refreshed its tokens", user.sub());
    return issueTokens(user, clientId, stored.authTime(), now, false);
  }

  private AuthenticationResult issueTokens(
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
          sha256(token),
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

  /** Failure number {@code n} in a row locks from the limit on: base, then doubling, capped. */
  private Instant lockUntil(int failures, Instant now) {
    int over = failures - settings.maxFailedAttempts();
    if (over < 0) {
      return Instant.EPOCH;
    }
    Duration delay = settings.lockoutBase().multipliedBy(1L << Math.min(over, 30));
    if (delay.compareTo(settings.lockoutMax()) > 0) {
      delay = settings.lockoutMax();
    }
    return now.plus(delay);
  }

  private void checkClient(String clientId) {
    required(clientId, "ClientId");
    if (!settings.clientId().equals(clientId)) {
      throw new CognitoException(
          CognitoException.RESOURCE_NOT_FOUND, "User pool client " + clientId + " does not exist.");
    }
  }

  private void checkPool(String poolId) {
    required(poolId, "UserPoolId");
    if (!settings.poolId().equals(poolId)) {
      throw new CognitoException(
          CognitoException.RESOURCE_NOT_FOUND, "User pool " + poolId + " does not exist.");
    }
  }

  private static void checkUsername(String username) {
    required(username, "Username");
    if (username.length() > 128 || !USERNAME.matcher(username).matches()) {
      throw CognitoException.invalidParameter(
          "1 validation error detected: Value at 'username' failed to satisfy constraint: Member"
              + " must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
    }
  }

  private static Map<String, String> checkAttributes(Map<String, String> attributes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (name == null || value == null) {
        throw CognitoException.invalidParameter("Attributes need a Name and a Value.");
      }
      boolean custom = name.startsWith("custom:") && name.length() > 7 && name.length() <= 27;
      if (!custom && !STANDARD_ATTRIBUTES.contains(name)) {
        throw CognitoException.invalidParameter(
            "Attribute does not exist in the schema or cannot be written: " + name);
      }
      if (value.length() > 2048) {
        throw CognitoException.invalidParameter("Attribute value too long: " + name);
      }
      if ("email".equals(name) && !EMAIL.matcher(value).matches()) {
        throw CognitoException.invalidParameter("Invalid email address format.");
      }
      out.put(name, value);
    }
    return out;
  }

  private static CodeDeliveryDetails deliveryDetails(String email) {
    if (email == null) {
      return new CodeDeliveryDetails("local server log", "EMAIL", "email");
    }
    int at = email.indexOf('@');
    String masked = email.charAt(0) + "***@" + email.charAt(at + 1) + "***";
    return new CodeDeliveryDetails(masked, "EMAIL", "email");
  }

  private static void required(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter " + name);
    }
  }

  private static String codeHash(String sub, String code) {
    return sha256(sub + ":" + code);
  }

  private static String sha256(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static CognitoException codeMismatch() {
    return new CognitoException(
        CognitoException.CODE_MISMATCH, "Invalid verification code provided, please try again.");
  }

  private static CognitoException alreadyConfirmed() {
    return CognitoException.notAuthorized("User cannot be confirmed. Current status is CONFIRMED");
  }

  private static CognitoException userNotFound() {
    return new CognitoException(CognitoException.USER_NOT_FOUND, "User does not exist.");
  }
}
