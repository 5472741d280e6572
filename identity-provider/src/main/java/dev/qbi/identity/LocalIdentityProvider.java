package dev.qbi.identity;

import static dev.qbi.identity.RequestChecks.checkPool;
import static dev.qbi.identity.RequestChecks.required;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.auth.Principal;
import dev.qbi.identity.IdentityStore.User;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user pool on the local machine, mirroring the parts of Amazon Cognito the product uses: sign-up
 * with a confirmation code, admin confirmation, password and refresh-token authentication,
 * deletion, disabling and GetUser. Tokens look like Cognito's and are RS256-signed with the pool's
 * persistent key; {@link #jwkSource()} lets a {@link JwtTokenVerifier} check them in-process.
 *
 * <p>State lives in the data dir: {@code identity.db} (users with PBKDF2 password hashes,
 * refresh-token hashes) and {@code keys/signing-key.json}; both survive restarts. Usernames are
 * {@linkplain Usernames normalised} (NFKC, lower case). Login failures never tell whether the user
 * exists or is locked, and repeated failures lock the user for a growing time. Password hashing
 * runs on a small bounded pool ({@link HashingPool}): a flood of sign-ins is answered {@code
 * TooManyRequestsException} instead of stalling the server. {@link #isActive} tells whether a
 * token's user still exists and is enabled ({@link ActiveUserVerifier}).
 *
 * <p>This class is the pool's facade: sign-up and confirmation are in {@link SignUps}, logins and
 * lockout in {@link Authenticator} and {@link Lockout}, tokens in {@link TokenIssuer}.
 *
 * <p>Errors are {@link CognitoException}s carrying Cognito's {@code __type}. Thread-safe.
 */
public final class LocalIdentityProvider implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalIdentityProvider.class);

  /** The database file in the data dir. */
  public static final String DATABASE_FILE = "identity.db";

  /** How long "this user exists and is enabled" is remembered for the API's token check. */
  static final Duration ACTIVE_USER_CACHE = Duration.ofSeconds(5);

  private final IdentitySettings settings;
  private final Clock clock;
  private final IdentityStore store;
  private final TokenIssuer tokens;
  private final SignUps signUps;
  private final Authenticator authenticator;
  private final HashingPool hashing;
  private final ActiveUsers activeUsers;

  private LocalIdentityProvider(
      IdentitySettings settings,
      Clock clock,
      ConfirmationCodeSink codeSink,
      IdentityStore store,
      ActiveUsers activeUsers,
      RSAKey signingKey) {
    this.settings = settings;
    this.clock = clock;
    this.store = store;
    SecureRandom random = new SecureRandom();
    this.tokens = new TokenIssuer(settings, clock, store, signingKey, random);
    this.hashing =
        new HashingPool(
            new PasswordHasher(settings.passwordIterations(), random),
            settings.hashingThreads(),
            settings.hashingQueue());
    Lockout lockout = new Lockout(settings);
    this.signUps = new SignUps(settings, clock, codeSink, store, hashing, lockout, random);
    this.authenticator = new Authenticator(settings, clock, store, hashing, lockout, tokens);
    this.activeUsers = activeUsers;
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
    ActiveUsers activeUsers = null;
    try {
      store.purgeRefreshTokens(clock.instant());
      activeUsers = ActiveUsers.open(dataDir.resolve(DATABASE_FILE), ACTIVE_USER_CACHE);
      LocalIdentityProvider idp =
          new LocalIdentityProvider(settings, clock, codeSink, store, activeUsers, key);
      LOG.info(
          "Local identity provider ready: pool {}, client {}, issuer {}, key {}",
          settings.poolId(),
          settings.clientId(),
          settings.issuer(),
          key.getKeyID());
      return idp;
    } catch (RuntimeException e) {
      if (activeUsers != null) {
        activeUsers.close();
      }
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
    return tokens.publicJwks();
  }

  /** The public keys for an in-process {@link JwtTokenVerifier}. */
  public JWKSource<SecurityContext> jwkSource() {
    return tokens.jwkSource();
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
    return signUps.signUp(clientId, username, password, attributes);
  }

  /** ConfirmSignUp: confirms the user with the code it was sent; verifies its email. */
  public void confirmSignUp(String clientId, String username, String code) {
    signUps.confirmSignUp(clientId, username, code);
  }

  /** AdminConfirmSignUp: confirms the user without a code (the caller is an administrator). */
  public void adminConfirmSignUp(String poolId, String username) {
    signUps.adminConfirmSignUp(poolId, username);
  }

  /**
   * InitiateAuth with {@code USER_PASSWORD_AUTH} ({@code USERNAME}, {@code PASSWORD}) or {@code
   * REFRESH_TOKEN_AUTH} ({@code REFRESH_TOKEN}).
   */
  public AuthenticationResult initiateAuth(
      String clientId, String authFlow, Map<String, String> authParameters) {
    return authenticator.initiateAuth(clientId, authFlow, authParameters);
  }

  /** AdminDeleteUser: removes the user and revokes its refresh tokens. */
  public void adminDeleteUser(String poolId, String username) {
    checkPool(settings, poolId);
    required(username, "Username");
    User user = store.findByUsername(username).orElseThrow(RequestChecks::userNotFound);
    if (!store.deleteUser(user.sub(), clock.instant())) {
      throw RequestChecks.userNotFound();
    }
    activeUsers.forget(user.sub());
    LOG.info("Deleted user {} and revoked its refresh tokens", user.sub());
  }

  /**
   * AdminDisableUser: the user can no longer log in or refresh, and the API refuses its tokens;
   * AdminEnableUser ({@code enabled = true}) undoes it.
   */
  public void adminSetUserEnabled(String poolId, String username, boolean enabled) {
    checkPool(settings, poolId);
    required(username, "Username");
    User user = store.findByUsername(username).orElseThrow(RequestChecks::userNotFound);
    if (!store.setEnabled(user.sub(), enabled, clock.instant())) {
      throw RequestChecks.userNotFound();
    }
    activeUsers.forget(user.sub());
    LOG.info("{} user {}", enabled ? "Enabled" : "Disabled", user.sub());
  }

  /**
   * Whether the user {@code sub} exists, is confirmed and is enabled (remembered for a few seconds;
   * a delete or disable through this pool takes effect at once).
   */
  public boolean isActive(String sub) {
    return sub != null && activeUsers.isActive(sub);
  }

  /** GetUser: the user an access token belongs to, with its attributes ({@code sub} first). */
  public UserInfo getUser(String accessToken) {
    required(accessToken, "AccessToken");
    Principal principal = tokens.verifyAccessToken(accessToken);
    User user =
        store
            .findBySub(principal.sub())
            .orElseThrow(() -> CognitoException.notAuthorized("Access Token has been revoked"));
    if (!user.enabled()) {
      throw CognitoException.notAuthorized(Authenticator.USER_DISABLED);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("sub", user.sub());
    attributes.putAll(user.attributes());
    return new UserInfo(user.username(), attributes);
  }

  /** The password-hashing pool (tests). */
  HashingPool hashing() {
    return hashing;
  }

  @Override
  public void close() {
    hashing.close();
    activeUsers.close();
    store.close();
  }
}
