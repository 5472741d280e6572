package dev.qbi.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.auth.Principal;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalIdentityProviderTest {
  static final String POOL = IdentitySettings.DEFAULT_POOL_ID;
  static final String CLIENT = IdentitySettings.DEFAULT_CLIENT_ID;
  static final String ISSUER = "http://127.0.0.1:8080/" + POOL;
  static final String PASSWORD = "Correct-Horse-9";

  @TempDir Path dataDir;
  final MutableClock clock = MutableClock.startingAt("2025-03-01T12:00:00Z");
  final Map<String, String> codes = new ConcurrentHashMap<>();
  final IdentitySettings settings =
      IdentitySettings.of(POOL, CLIENT, ISSUER).withPasswordIterations(1_000);
  LocalIdentityProvider idp;

  @BeforeEach
  void open() {
    idp = openProvider();
  }

  @AfterEach
  void close() {
    idp.close();
  }

  private LocalIdentityProvider openProvider() {
    return LocalIdentityProvider.open(
        dataDir, settings, clock, (user, details, code) -> codes.put(user, code));
  }

  private JwtTokenVerifier verifier(LocalIdentityProvider p) {
    return JwtTokenVerifier.builder()
        .issuer(p.issuer())
        .clientId(p.clientId())
        .jwkSource(p.jwkSource())
        .clock(clock)
        .cacheTtl(Duration.ZERO)
        .build();
  }

  private AuthenticationResult login(String username, String password) {
    return idp.initiateAuth(
        CLIENT, "USER_PASSWORD_AUTH", Map.of("USERNAME", username, "PASSWORD", password));
  }

  private String confirmedUser(String username) {
    String sub = idp.signUp(CLIENT, username, PASSWORD, Map.of()).userSub();
    idp.adminConfirmSignUp(POOL, username);
    return sub;
  }

  private static void assertCognitoError(ThrowingCallable call, String type, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CognitoException.class,
            e -> {
              assertThat(e.type()).isEqualTo(type);
              if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
              }
            });
  }

  @Test
  void sign_up_delivers_a_six_digit_code_and_the_code_confirms_the_user() {
    SignUpResult result =
        idp.signUp(CLIENT, "alice", PASSWORD, Map.of("email", "alice@example.com"));

    assertThat(result.userConfirmed()).isFalse();
    assertThat(result.userSub()).matches("[0-9a-f-]{36}");
    assertThat(result.codeDeliveryDetails())
        .isEqualTo(new CodeDeliveryDetails("a***@e***", "EMAIL", "email"));
    assertThat(codes.get("alice")).matches("\\d{6}");

    idp.confirmSignUp(CLIENT, "alice", codes.get("alice"));

    AuthenticationResult tokens = login("alice", PASSWORD);
    Principal p = verifier(idp).verify(tokens.idToken());
    assertThat(p.sub()).isEqualTo(result.userSub());
    assertThat(p.username()).isEqualTo("alice");
    assertThat(idp.getUser(tokens.accessToken()).attributes())
        .containsEntry("email_verified", "true");
  }

  @Test
  void wrong_confirmation_code_is_a_code_mismatch_and_leaves_the_user_unconfirmed() {
    idp.signUp(CLIENT, "alice", PASSWORD, Map.of());
    String wrong = codes.get("alice").equals("000000") ? "111111" : "000000";

    assertCognitoError(
        () -> idp.confirmSignUp(CLIENT, "alice", wrong), CognitoException.CODE_MISMATCH, null);
    assertCognitoError(() -> login("alice", PASSWORD), CognitoException.USER_NOT_CONFIRMED, null);
    assertCognitoError(
        () -> idp.confirmSignUp(CLIENT, "nobody", "123456"), CognitoException.CODE_MISMATCH, null);
  }

  @Test
  void confirmation_code_expires_after_a_day() {
    idp.signUp(CLIENT, "alice", PASSWORD, Map.of());
    clock.advance(Duration.ofHours(24));

    assertCognitoError(
        () -> idp.confirmSignUp(CLIENT, "alice", codes.get("alice")),
        CognitoException.EXPIRED_CODE,
        null);
  }

  @Test
  void confirmation_codes_cannot_be_guessed_endlessly() {
    idp.signUp(CLIENT, "alice", PASSWORD, Map.of());
    String wrong = codes.get("alice").equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      assertCognitoError(
          () -> idp.confirmSignUp(CLIENT, "alice", wrong), CognitoException.CODE_MISMATCH, null);
    }

    assertCognitoError(
        () -> idp.confirmSignUp(CLIENT, "alice", codes.get("alice")),
        CognitoException.LIMIT_EXCEEDED,
        null);
    clock.advance(Duration.ofSeconds(1));
    idp.confirmSignUp(CLIENT, "alice", codes.get("alice"));
    assertThat(login("alice", PASSWORD).idToken()).isNotBlank();
  }

  @Test
  void admin_confirmation_confirms_once() {
    idp.signUp(CLIENT, "alice", PASSWORD, Map.of());
    idp.adminConfirmSignUp(POOL, "alice");

    assertCognitoError(
        () -> idp.adminConfirmSignUp(POOL, "alice"),
        CognitoException.NOT_AUTHORIZED,
        "User cannot be confirmed. Current status is CONFIRMED");
    assertCognitoError(
        () -> idp.adminConfirmSignUp(POOL, "nobody"), CognitoException.USER_NOT_FOUND, null);
    assertCognitoError(
        () -> idp.confirmSignUp(CLIENT, "alice", codes.get("alice")),
        CognitoException.NOT_AUTHORIZED,
        null);
  }

  @Test
  void unknown_user_and_wrong_password_fail_the_same_way() {
    confirmedUser("alice");

    assertCognitoError(
        () -> login("alice", "Wrong-Password-1"),
        CognitoException.NOT_AUTHORIZED,
        "Incorrect username or password.");
    assertCognitoError(
        () -> login("mallory", "Wrong-Password-1"),
        CognitoException.NOT_AUTHORIZED,
        "Incorrect username or password.");
  }

  @Test
  void unconfirmed_user_with_the_right_password_is_told_to_confirm() {
    idp.signUp(CLIENT, "bob", PASSWORD, Map.of());

    assertCognitoError(
        () -> login("bob", PASSWORD),
        CognitoException.USER_NOT_CONFIRMED,
        "User is not confirmed.");
    assertCognitoError(
        () -> login("bob", "Wrong-Password-1"), CognitoException.NOT_AUTHORIZED, null);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "Ab1-xyz, Password not long enough",
    "abcdefg1-, Password must have uppercase characters",
    "ABCDEFG1-, Password must have lowercase characters",
    "Abcdefgh-, Password must have numeric characters",
    "Abcdefgh1, Password must have symbol characters",
  })
  void weak_password_is_refused_by_the_default_policy(String password, String reason) {
    assertCognitoError(
        () -> idp.signUp(CLIENT, "carol", password, Map.of()),
        CognitoException.INVALID_PASSWORD,
        "Password did not conform with policy: " + reason);
  }

  @Test
  void space_inside_a_password_counts_as_a_symbol() {
    idp.signUp(CLIENT, "dave", "Correct horse 9", Map.of());
    idp.adminConfirmSignUp(POOL, "dave");
    assertThat(login("dave", "Correct horse 9").idToken()).isNotBlank();
  }

  @Test
  void duplicate_username_is_refused_case_insensitively() {
    idp.signUp(CLIENT, "alice", PASSWORD, Map.of());

    assertCognitoError(
        () -> idp.signUp(CLIENT, "alice", PASSWORD, Map.of()),
        CognitoException.USERNAME_EXISTS,
        "User already exists");
    assertCognitoError(
        () -> idp.signUp(CLIENT, "ALICE", PASSWORD, Map.of()),
        CognitoException.USERNAME_EXISTS,
        null);
  }

  @Test
  void bad_parameters_are_invalid_parameter_errors() {
    assertCognitoError(
        () -> idp.signUp(CLIENT, "has space", PASSWORD, Map.of()),
        CognitoException.INVALID_PARAMETER,
        null);
    assertCognitoError(
        () -> idp.signUp(CLIENT, "eve", PASSWORD, Map.of("sub", "chosen")),
        CognitoException.INVALID_PARAMETER,
        null);
    assertCognitoError(
        () -> idp.signUp(CLIENT, "eve", PASSWORD, Map.of("email", "not-an-email")),
        CognitoException.INVALID_PARAMETER,
        null);
    assertCognitoError(
        () -> idp.initiateAuth(CLIENT, "USER_PASSWORD_AUTH", Map.of("USERNAME", "eve")),
        CognitoException.INVALID_PARAMETER,
        null);
    assertCognitoError(
        () -> idp.initiateAuth(CLIENT, "USER_SRP_AUTH", Map.of()),
        CognitoException.INVALID_PARAMETER,
        null);
  }

  @Test
  void wrong_client_or_pool_id_is_resource_not_found() {
    assertCognitoError(
        () -> idp.signUp("other-client", "alice", PASSWORD, Map.of()),
        CognitoException.RESOURCE_NOT_FOUND,
        "User pool client other-client does not exist.");
    assertCognitoError(
        () -> idp.adminConfirmSignUp("us-east-1_Other", "alice"),
        CognitoException.RESOURCE_NOT_FOUND,
        "User pool us-east-1_Other does not exist.");
    assertCognitoError(
        () ->
            idp.initiateAuth(
                "other", "USER_PASSWORD_AUTH", Map.of("USERNAME", "a", "PASSWORD", "b")),
        CognitoException.RESOURCE_NOT_FOUND,
        null);
  }

  @Test
  void tokens_carry_cognitos_claims_and_header() throws ParseException {
    String sub =
        idp.signUp(CLIENT, "alice", PASSWORD, Map.of("email", "alice@example.com", "name", "Alice"))
            .userSub();
    idp.adminConfirmSignUp(POOL, "alice");

    AuthenticationResult result = login("alice", PASSWORD);

    assertThat(result.expiresIn()).isEqualTo(3600);
    assertThat(result.tokenType()).isEqualTo("Bearer");
    assertThat(result.refreshToken()).isPresent();

    SignedJWT id = SignedJWT.parse(result.idToken());
    assertThat(id.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
    assertThat(id.getHeader().getKeyID()).isEqualTo(idp.publicJwks().getKeys().get(0).getKeyID());
    JWTClaimsSet c = id.getJWTClaimsSet();
    assertThat(c.getSubject()).isEqualTo(sub);
    assertThat(c.getAudience()).containsExactly(CLIENT);
    assertThat(c.getIssuer()).isEqualTo(ISSUER);
    assertThat(c.getStringClaim("token_use")).isEqualTo("id");
    assertThat(c.getStringClaim("cognito:username")).isEqualTo("alice");
    assertThat(c.getStringClaim("email")).isEqualTo("alice@example.com");
    assertThat(c.getStringClaim("name")).isEqualTo("Alice");
    assertThat(c.getBooleanClaim("email_verified")).isFalse();
    assertThat(c.getLongClaim("auth_time")).isEqualTo(clock.instant().getEpochSecond());
    assertThat(c.getIssueTime().toInstant()).isEqualTo(clock.instant());
    assertThat(c.getExpirationTime().toInstant()).isEqualTo(clock.instant().plusSeconds(3600));
    assertThat(c.getJWTID()).isNotBlank();
    assertThat(c.getStringClaim("event_id")).isNotBlank();

    SignedJWT access = SignedJWT.parse(result.accessToken());
    assertThat(access.getHeader().getKeyID()).isEqualTo(id.getHeader().getKeyID());
    JWTClaimsSet a = access.getJWTClaimsSet();
    assertThat(a.getSubject()).isEqualTo(sub);
    assertThat(a.getStringClaim("client_id")).isEqualTo(CLIENT);
    assertThat(a.getStringClaim("token_use")).isEqualTo("access");
    assertThat(a.getStringClaim("scope")).isEqualTo("aws.cognito.signin.user.admin");
    assertThat(a.getStringClaim("username")).isEqualTo("alice");
    assertThat(a.getAudience()).isEmpty();
    assertThat(a.getJWTID()).isNotEqualTo(c.getJWTID());

    assertThat(verifier(idp).verify(result.accessToken()).tokenUse()).isEqualTo("access");
    assertThat(result.toString()).doesNotContain(result.idToken());
  }

  @Test
  void refresh_token_gives_new_tokens_until_it_expires() throws ParseException {
    confirmedUser("alice");
    AuthenticationResult first = login("alice", PASSWORD);
    String refresh = first.refreshToken().orElseThrow();
    long authTime = clock.instant().getEpochSecond();

    clock.advance(Duration.ofHours(2));
    AuthenticationResult renewed =
        idp.initiateAuth(CLIENT, "REFRESH_TOKEN_AUTH", Map.of("REFRESH_TOKEN", refresh));

    assertThat(renewed.refreshToken()).isEmpty();
    assertThat(verifier(idp).verify(renewed.idToken()).username()).isEqualTo("alice");
    assertThatThrownBy(() -> verifier(idp).verify(first.idToken()))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(SignedJWT.parse(renewed.idToken()).getJWTClaimsSet().getLongClaim("auth_time"))
        .isEqualTo(authTime);

    assertCognitoError(
        () ->
            idp.initiateAuth(CLIENT, "REFRESH_TOKEN_AUTH", Map.of("REFRESH_TOKEN", refresh + "x")),
        CognitoException.NOT_AUTHORIZED,
        "Invalid Refresh Token");

    clock.advance(Duration.ofDays(30));
    assertCognitoError(
        () -> idp.initiateAuth(CLIENT, "REFRESH_TOKEN_AUTH", Map.of("REFRESH_TOKEN", refresh)),
        CognitoException.NOT_AUTHORIZED,
        "Refresh Token has expired");
  }

  @Test
  void get_user_answers_username_and_attributes_for_an_access_token_only() {
    String sub = idp.signUp(CLIENT, "alice", PASSWORD, Map.of("name", "Alice")).userSub();
    idp.adminConfirmSignUp(POOL, "alice");
    AuthenticationResult tokens = login("alice", PASSWORD);

    UserInfo user = idp.getUser(tokens.accessToken());

    assertThat(user.username()).isEqualTo("alice");
    assertThat(user.attributes()).containsEntry("sub", sub).containsEntry("name", "Alice");
    assertThat(user.attributes().keySet().iterator().next()).isEqualTo("sub");
    assertCognitoError(() -> idp.getUser(tokens.idToken()), CognitoException.NOT_AUTHORIZED, null);
    assertCognitoError(() -> idp.getUser("garbage"), CognitoException.NOT_AUTHORIZED, null);

    clock.advance(Duration.ofHours(1));
    assertCognitoError(
        () -> idp.getUser(tokens.accessToken()), CognitoException.NOT_AUTHORIZED, null);
  }

  @Test
  void deleting_a_user_revokes_its_refresh_tokens_and_logins() {
    confirmedUser("alice");
    AuthenticationResult tokens = login("alice", PASSWORD);

    idp.adminDeleteUser(POOL, "alice");

    assertCognitoError(
        () ->
            idp.initiateAuth(
                CLIENT,
                "REFRESH_TOKEN_AUTH",
                Map.of("REFRESH_TOKEN", tokens.refreshToken().orElseThrow())),
        CognitoException.NOT_AUTHORIZED,
        null);
    assertCognitoError(
        () -> login("alice", PASSWORD),
        CognitoException.NOT_AUTHORIZED,
        "Incorrect username or password.");
    assertCognitoError(
        () -> idp.getUser(tokens.accessToken()), CognitoException.NOT_AUTHORIZED, null);
    assertCognitoError(
        () -> idp.adminDeleteUser(POOL, "alice"), CognitoException.USER_NOT_FOUND, null);

    // the name is free again, and the new user is a different subject
    String newSub = confirmedUser("alice");
    assertThat(verifier(idp).verify(login("alice", PASSWORD).idToken()).sub()).isEqualTo(newSub);
  }

  @Test
  void repeated_failed_logins_lock_the_user_for_a_growing_time() {
    confirmedUser("alice");
    for (int i = 0; i < 5; i++) {
      assertCognitoError(
          () -> login("alice", "Wrong-Password-1"),
          CognitoException.NOT_AUTHORIZED,
          "Incorrect username or password.");
    }

    // locked: even the right password is refused, in the words of a wrong password
    assertCognitoError(
        () -> login("alice", PASSWORD),
        CognitoException.NOT_AUTHORIZED,
        "Incorrect username or password.");

    clock.advance(Duration.ofSeconds(1));
    assertCognitoError(
        () -> login("alice", "Wrong-Password-1"), CognitoException.NOT_AUTHORIZED, null);
    // the sixth failure locks for twice as long
    clock.advance(Duration.ofMillis(1999));
    assertCognitoError(
        () -> login("alice", PASSWORD),
        CognitoException.NOT_AUTHORIZED,
        "Incorrect username or password.");
    clock.advance(Duration.ofMillis(1));

    assertThat(login("alice", PASSWORD).idToken()).isNotBlank();
    // a success resets the count
    for (int i = 0; i < 4; i++) {
      assertCognitoError(
          () -> login("alice", "Wrong-Password-1"), CognitoException.NOT_AUTHORIZED, null);
    }
    assertThat(login("alice", PASSWORD).idToken()).isNotBlank();
  }

  @Test
  void users_keys_and_refresh_tokens_survive_a_restart() {
    String sub = confirmedUser("alice");
    AuthenticationResult before = login("alice", PASSWORD);
    String kid = idp.publicJwks().getKeys().get(0).getKeyID();
    idp.close();

    idp = openProvider();

    assertThat(idp.publicJwks().getKeys().get(0).getKeyID()).isEqualTo(kid);
    Principal p = verifier(idp).verify(before.idToken());
    assertThat(p.sub()).isEqualTo(sub);
    assertThat(
            idp.initiateAuth(
                    CLIENT,
                    "REFRESH_TOKEN_AUTH",
                    Map.of("REFRESH_TOKEN", before.refreshToken().orElseThrow()))
                .idToken())
        .isNotBlank();
    assertThat(verifier(idp).verify(login("alice", PASSWORD).idToken()).sub()).isEqualTo(sub);
  }

  @Test
  void secrets_are_owner_only_and_only_hashes_are_stored() throws Exception {
    confirmedUser("alice");
    String refresh = login("alice", PASSWORD).refreshToken().orElseThrow();

    Path keyFile = dataDir.resolve("keys/signing-key.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())))
        .isEqualTo("rwx------");
    Path db = dataDir.resolve("identity.db");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db)))
        .isEqualTo("rw-------");

    List<String> stored = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT password_hash FROM users")) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT token_hash FROM refresh_tokens")) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
    }
    assertThat(stored).hasSize(2);
    assertThat(stored.get(0)).startsWith("pbkdf2_sha256$1000$").doesNotContain(PASSWORD);
    assertThat(stored.get(1)).matches("[0-9a-f]{64}").isNotEqualTo(refresh);
  }

  @Test
  void settings_insist_on_an_issuer_ending_with_the_pool_id() {
    assertThatThrownBy(() -> IdentitySettings.of(POOL, CLIENT, "http://127.0.0.1:8080/other"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(IdentitySettings.defaults("127.0.0.1", 8080).issuer()).isEqualTo(ISSUER);
    assertThat(IdentitySettings.issuerFor("::1", 9000, POOL))
        .isEqualTo("http://[::1]:9000/local_ingestion");
  }
}
