package dev.qbi.identity;

import static dev.qbi.identity.RequestChecks.checkClient;
import static dev.qbi.identity.RequestChecks.required;

import dev.qbi.identity.IdentityStore.RefreshToken;
import dev.qbi.identity.IdentityStore.User;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitiateAuth: password logins, counted against the user's {@link Lockout}, and refresh-token
 * logins. A failed login never tells whether the user exists or is locked: an unknown user and a
 * locked one cost the same password hashing and get the same answer as a wrong password. Only the
 * right password of an existing, unlocked user learns more (not confirmed, disabled). The hashing
 * runs on the {@link HashingPool}: when it is saturated the answer is {@code
 * TooManyRequestsException}, before anything is counted against the user.
 */
final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final String INCORRECT = "Incorrect username or password.";
  static final String USER_DISABLED = "User is disabled.";

  private final IdentitySettings settings;
  private final Clock clock;
  private final IdentityStore store;
  private final HashingPool hashing;
  private final Lockout lockout;
  private final TokenIssuer tokens;

  Authenticator(
      IdentitySettings settings,
      Clock clock,
      IdentityStore store,
      HashingPool hashing,
      Lockout lockout,
      TokenIssuer tokens) {
    this.settings = settings;
    this.clock = clock;
    this.store = store;
    this.hashing = hashing;
    this.lockout = lockout;
    this.tokens = tokens;
  }

  /** See {@link LocalIdentityProvider#initiateAuth}. */
  AuthenticationResult initiateAuth(
      String clientId, String authFlow, Map<String, String> authParameters) {
    checkClient(settings, clientId);
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

  private AuthenticationResult passwordAuth(String clientId, Map<String, String> params) {
    String username = params.get("USERNAME");
    String password = params.get("PASSWORD");
    if (username == null || username.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter USERNAME");
    }
    if (password == null || password.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter PASSWORD");
    }
    try (HashingPool.Place hasher = hashing.admit()) {
      return passwordAuth(clientId, username, password, hasher);
    }
  }

  private AuthenticationResult passwordAuth(
      String clientId, String username, String password, HashingPool.Place hasher) {
    Instant now = clock.instant();
    Optional<User> found = store.findByUsername(username);
    if (found.isEmpty()) {
      hasher.matchAgainstDummy(password);
      store.countRefusedLogin("unknown_user_logins");
      LOG.info("Login failed: unknown user");
      throw CognitoException.notAuthorized(INCORRECT);
    }
    User known = found.get();
    if (known.lockedUntil().isAfter(now)) {
      // the same work and answer as a wrong password: a lock must not reveal the user
      hasher.matches(password, known.passwordHash());
      store.countRefusedLogin("locked_user_logins");
      LOG.info("Login refused: user {} is locked until {}", known.sub(), known.lockedUntil());
      throw CognitoException.notAuthorized(INCORRECT);
    }
    boolean matches = hasher.matches(password, known.passwordHash());
    Optional<User> state = store.beginAttempt(known.sub(), now, lockout);
    if (state.isEmpty()) {
      LOG.info("Login failed: user {} was deleted meanwhile", known.sub());
      throw CognitoException.notAuthorized(INCORRECT);
    }
    User user = state.get();
    if (user.lockedUntil().isAfter(now)) {
      LOG.info("Login refused: user {} is locked until {}", user.sub(), user.lockedUntil());
      throw CognitoException.notAuthorized(INCORRECT);
    }
    if (!matches || !user.passwordHash().equals(known.passwordHash())) {
      int failures = user.failedAttempts() + 1;
      if (lockout.locks(failures)) {
        LOG.warn(
            "Login failed for user {} ({} failures in a row): locked until {}",
            user.sub(),
            failures,
            lockout.lockUntil(failures, now));
      } else {
        LOG.info("Login failed for user {}: wrong password", user.sub());
      }
      throw CognitoException.notAuthorized(INCORRECT);
    }
    store.clearAttempts(user.sub(), now);
    if (!user.confirmed()) {
      throw new CognitoException(CognitoException.USER_NOT_CONFIRMED, "User is not confirmed.");
    }
    if (!user.enabled()) {
      LOG.info("Login refused: user {} is disabled", user.sub());
      throw CognitoException.notAuthorized(USER_DISABLED);
    }
    LOG.info("User {} logged in with a password", user.sub());
    return tokens.issue(user, clientId, now, now, true);
  }

  private AuthenticationResult refreshAuth(String clientId, Map<String, String> params) {
    String token = params.get("REFRESH_TOKEN");
    if (token == null || token.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter REFRESH_TOKEN");
    }
    Instant now = clock.instant();
    RefreshToken stored =
        store
            .findRefreshToken(Sha256.hex(token))
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
    if (!user.enabled()) {
      throw CognitoException.notAuthorized(USER_DISABLED);
    }
    LOG.info("User {} refreshed its tokens", user.sub());
    return tokens.issue(user, clientId, stored.authTime(), now, false);
  }
}
