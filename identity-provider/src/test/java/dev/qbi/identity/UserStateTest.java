package dev.qbi.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.testing.MutableClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usernames in one form, disabled and deleted users, and failures that cannot be told apart. */
class UserStateTest {
  static final String POOL = IdentitySettings.DEFAULT_POOL_ID;
  static final String CLIENT = IdentitySettings.DEFAULT_CLIENT_ID;
  static final String ISSUER = "http://127.0.0.1:8080/" + POOL;
  static final String PASSWORD = "Correct-Horse-9";
  static final String INCORRECT = "Incorrect username or password.";

  @TempDir Path dataDir;
  final MutableClock clock = MutableClock.startingAt("2025-03-01T12:00:00Z");
  final IdentitySettings settings =
      IdentitySettings.of(POOL, CLIENT, ISSUER).withPasswordIterations(1_000);
  LocalIdentityProvider idp;

  @BeforeEach
  void open() {
    idp = LocalIdentityProvider.open(dataDir, settings, clock, (u, d, c) -> {});
  }

  @AfterEach
  void close() {
    idp.close();
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

  private ActiveUserVerifier apiVerifier() {
    return new ActiveUserVerifier(
        JwtTokenVerifier.builder()
            .issuer(idp.issuer())
            .clientId(CLIENT)
            .jwkSource(idp.jwkSource())
            .clock(clock)
            .cacheTtl(Duration.ofMinutes(1))
            .build(),
        idp);
  }

  private static void assertNotAuthorized(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CognitoException.class,
            e -> {
              assertThat(e.type()).isEqualTo(CognitoException.NOT_AUTHORIZED);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @Test
  void composed_and_decomposed_accents_and_letter_case_name_one_account() {
    String composed = "ren\u00e9e";
    String decomposed = "Rene\u0301e";
    String sub = confirmedUser(decomposed);

    assertThatThrownBy(() -> idp.signUp(CLIENT, composed, PASSWORD, Map.of()))
        .isInstanceOfSatisfying(
            CognitoException.class,
            e -> assertThat(e.type()).isEqualTo(CognitoException.USERNAME_EXISTS));
    assertThatThrownBy(() -> idp.signUp(CLIENT, "RENE\u0301E", PASSWORD, Map.of()))
        .isInstanceOf(CognitoException.class);

    for (String name : new String[] {composed, decomposed, "REN\u00c9E", "\uff32en\u00e9e"}) {
      String token = login(name, PASSWORD).idToken();
      assertThat(apiVerifier().verify(token).sub()).as(name).isEqualTo(sub);
      assertThat(apiVerifier().verify(token).username()).isEqualTo(composed);
    }
    confirmedUser("Alice");
    assertThat(login("alice", PASSWORD).idToken()).isNotBlank();
    assertThat(login("ALICE", PASSWORD).idToken()).isNotBlank();
  }

  @Test
  void users_of_an_older_database_are_found_by_their_normalised_name() throws Exception {
    idp.close();
    Path db = dataDir.resolve(LocalIdentityProvider.DATABASE_FILE);
    java.nio.file.Files.delete(db);
    String hash = new PasswordHasher(1_000, new SecureRandom()).hash(PASSWORD);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      // the schema before usernames were normalised: no username_key, no enabled
      s.execute(
          """
          CREATE TABLE users (
            username TEXT NOT NULL PRIMARY KEY COLLATE NOCASE, sub TEXT NOT NULL UNIQUE,
            attributes TEXT NOT NULL, password_hash TEXT NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 0, code_hash TEXT, code_expires_at INTEGER,
            failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)""");
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO users (username, sub, attributes, password_hash, confirmed,"
                  + " created_at, updated_at) VALUES (?, ?, '{}', ?, 1, 0, 0)")) {
        ps.setString(1, "Rene\u0301e");
        ps.setString(2, "11111111-1111-1111-1111-111111111111");
        ps.setString(3, hash);
        ps.executeUpdate();
      }
    }
    idp = LocalIdentityProvider.open(dataDir, settings, clock, (u, d, c) -> {});

    String token = login("ren\u00e9e", PASSWORD).idToken();
    assertThat(apiVerifier().verify(token).sub()).isEqualTo("11111111-1111-1111-1111-111111111111");
    assertThatThrownBy(() -> idp.signUp(CLIENT, "REN\u00c9E", PASSWORD, Map.of()))
        .isInstanceOf(CognitoException.class);
  }

  @Test
  void a_disabled_user_cannot_log_in_or_refresh_and_its_tokens_are_refused() {
    String sub = confirmedUser("alice");
    AuthenticationResult tokens = login("alice", PASSWORD);
    ActiveUserVerifier api = apiVerifier();
    assertThat(api.verify(tokens.idToken()).sub()).isEqualTo(sub);

    idp.adminSetUserEnabled(POOL, "alice", false);

    assertThat(idp.isActive(sub)).isFalse();
    assertThatThrownBy(() -> api.verify(tokens.idToken()))
        .isInstanceOf(UnauthorizedException.class);
    assertNotAuthorized(() -> login("alice", PASSWORD), "User is disabled.");
    assertNotAuthorized(() -> login("alice", "Wrong-Password-1"), INCORRECT);
    assertNotAuthorized(
        () ->
            idp.initiateAuth(
                CLIENT,
                "REFRESH_TOKEN_AUTH",
                Map.of("REFRESH_TOKEN", tokens.refreshToken().orElseThrow())),
        "User is disabled.");
    assertNotAuthorized(() -> idp.getUser(tokens.accessToken()), "User is disabled.");

    idp.adminSetUserEnabled(POOL, "alice", true);
    assertThat(api.verify(tokens.idToken()).sub()).isEqualTo(sub);
    assertThat(login("alice", PASSWORD).idToken()).isNotBlank();
  }

  @Test
  void the_tokens_of_a_deleted_user_are_refused_at_once() {
    String sub = confirmedUser("alice");
    String token = login("alice", PASSWORD).idToken();
    ActiveUserVerifier api = apiVerifier();
    assertThat(api.verify(token).sub()).isEqualTo(sub);

    idp.adminDeleteUser(POOL, "alice");

    assertThatThrownBy(() -> api.verify(token)).isInstanceOf(UnauthorizedException.class);
    // a new user of the same name is another subject: the old token stays refused
    confirmedUser("alice");
    assertThatThrownBy(() -> api.verify(token)).isInstanceOf(UnauthorizedException.class);
    assertThat(idp.isActive(null)).isFalse();
  }

  @Test
  void unknown_locked_and_wrongly_guessed_users_cost_one_hash_and_get_one_answer() {
    confirmedUser("alice");
    confirmedUser("bob");
    for (int i = 0; i < 5; i++) {
      assertNotAuthorized(() -> login("bob", "Wrong-Password-1"), INCORRECT);
    }

    long unknown = hashesFor(() -> attempt("mallory", PASSWORD));
    long wrongPassword = hashesFor(() -> attempt("alice", "Wrong-Password-1"));
    long locked = hashesFor(() -> attempt("bob", PASSWORD));
    long lockedWrong = hashesFor(() -> attempt("bob", "Wrong-Password-1"));

    assertThat(new long[] {unknown, wrongPassword, locked, lockedWrong}).containsOnly(1L);
    System.out.printf(
        "failed logins, in ms (1,000 PBKDF2 iterations): unknown %s, wrong password %s, locked %s%n",
        millis(() -> attempt("mallory", PASSWORD)),
        millis(() -> attempt("alice", "Wrong-Password-1")),
        millis(() -> attempt("bob", PASSWORD)));
  }

  private String attempt(String username, String password) {
    CognitoException e =
        (CognitoException)
            org.assertj.core.api.Assertions.catchThrowable(() -> login(username, password));
    assertThat(e).isNotNull();
    assertThat(e.type()).isEqualTo(CognitoException.NOT_AUTHORIZED);
    assertThat(e.getMessage()).isEqualTo(INCORRECT);
    return e.getMessage();
  }

  private long hashesFor(Supplier<String> call) {
    long before = idp.hashing().derivations();
    call.get();
    return idp.hashing().derivations() - before;
  }

  private static String millis(Supplier<String> call) {
    long t0 = System.nanoTime();
    call.get();
    return String.format("%.1f", (System.nanoTime() - t0) / 1e6);
  }
}
