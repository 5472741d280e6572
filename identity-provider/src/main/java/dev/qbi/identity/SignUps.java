package dev.qbi.identity;

import static dev.qbi.identity.RequestChecks.checkClient;
import static dev.qbi.identity.RequestChecks.checkPool;
import static dev.qbi.identity.RequestChecks.checkUsername;
import static dev.qbi.identity.RequestChecks.required;

import dev.qbi.identity.IdentityStore.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-up and its confirmation, by code or by an administrator. Codes are 6 digits, valid for a
 * day, stored only as a hash, and wrong codes count towards the user's {@link Lockout}. The user is
 * stored under its {@linkplain Usernames normalised} name; the password is hashed on the {@link
 * HashingPool}, so a sign-up flood is refused with {@code TooManyRequestsException} rather than
 * queued.
 */
final class SignUps {
  private static final Logger LOG = LoggerFactory.getLogger(SignUps.class);
  private static final Duration CODE_VALIDITY = Duration.ofHours(24);

  private final IdentitySettings settings;
  private final Clock clock;
  private final ConfirmationCodeSink codeSink;
  private final IdentityStore store;
  private final HashingPool hashing;
  private final Lockout lockout;
  private final SecureRandom random;

  SignUps(
      IdentitySettings settings,
      Clock clock,
      ConfirmationCodeSink codeSink,
      IdentityStore store,
      HashingPool hashing,
      Lockout lockout,
      SecureRandom random) {
    this.settings = settings;
    this.clock = clock;
    this.codeSink = codeSink;
    this.store = store;
    this.hashing = hashing;
    this.lockout = lockout;
    this.random = random;
  }

  /** See {@link LocalIdentityProvider#signUp}. */
  SignUpResult signUp(
      String clientId, String rawUsername, String password, Map<String, String> attributes) {
    checkClient(settings, clientId);
    checkUsername(rawUsername);
    String username = Usernames.normalize(rawUsername);
    checkUsername(username);
    PasswordPolicy.check(password);
    Map<String, String> attrs =
        RequestChecks.checkAttributes(attributes == null ? Map.of() : attributes);
    if (attrs.containsKey("email")) {
      attrs.put("email_verified", "false");
    }
    // the place is kept to the end, so a sign-up flood's database writes are bounded too
    try (HashingPool.Place hasher = hashing.admit()) {
      return insert(username, hasher.hash(password), attrs);
    }
  }

  private SignUpResult insert(String username, String passwordHash, Map<String, String> attrs) {
    String sub = UUID.randomUUID().toString();
    String code = String.format("%06d", random.nextInt(1_000_000));
    Instant now = clock.instant();
    User user =
        new User(
            username,
            sub,
            attrs,
            passwordHash,
            false,
            codeHash(sub, code),
            now.plus(CODE_VALIDITY),
            0,
            Instant.EPOCH,
            true);
    if (!store.insertUser(user, now)) {
      throw new CognitoException(CognitoException.USERNAME_EXISTS, "User already exists");
    }
    CodeDeliveryDetails delivery = deliveryDetails(attrs.get("email"));
    LOG.info("Signed up user {} (sub {}); confirmation pending", username, sub);
    codeSink.deliver(username, delivery, code);
    return new SignUpResult(sub, false, delivery);
  }

  /** See {@link LocalIdentityProvider#confirmSignUp}. */
  void confirmSignUp(String clientId, String username, String code) {
    checkClient(settings, clientId);
    required(username, "Username");
    required(code, "ConfirmationCode");
    Instant now = clock.instant();
    User user = store.findByUsername(username).orElseThrow(SignUps::codeMismatch);
    if (user.confirmed()) {
      throw alreadyConfirmed();
    }
    User state = store.beginAttempt(user.sub(), now, lockout).orElseThrow(SignUps::codeMismatch);
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

  /** See {@link LocalIdentityProvider#adminConfirmSignUp}. */
  void adminConfirmSignUp(String poolId, String username) {
    checkPool(settings, poolId);
    required(username, "Username");
    User user = store.findByUsername(username).orElseThrow(RequestChecks::userNotFound);
    if (user.confirmed() || !store.confirm(user.sub(), user.attributes(), clock.instant())) {
      throw alreadyConfirmed();
    }
    LOG.info("Confirmed user {} by an administrator", user.sub());
  }

  private static CodeDeliveryDetails deliveryDetails(String email) {
    if (email == null) {
      return new CodeDeliveryDetails("local server log", "EMAIL", "email");
    }
    int at = email.indexOf('@');
    String masked = email.charAt(0) + "***@" + email.charAt(at + 1) + "***";
    return new CodeDeliveryDetails(masked, "EMAIL", "email");
  }

  private static String codeHash(String sub, String code) {
    return Sha256.hex(sub + ":" + code);
  }

  private static CognitoException codeMismatch() {
    return new CognitoException(
        CognitoException.CODE_MISMATCH, "Invalid verification code provided, please try again.");
  }

  private static CognitoException alreadyConfirmed() {
    return CognitoException.notAuthorized("User cannot be confirmed. Current status is CONFIRMED");
  }
}
