package dev.qbi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(1_000, new SecureRandom());

  @Test
  void hash_matches_its_password_only() {
    String stored = hasher.hash("Correct-Horse-9");

    assertThat(hasher.matches("Correct-Horse-9", stored)).isTrue();
    assertThat(hasher.matches("Correct-Horse-8", stored)).isFalse();
    assertThat(hasher.matches("", stored)).isFalse();
  }

  @Test
  void same_password_gets_a_different_salt_each_time() {
    assertThat(hasher.hash("Correct-Horse-9")).isNotEqualTo(hasher.hash("Correct-Horse-9"));
  }

  @Test
  void hash_made_with_another_iteration_count_still_verifies() {
    String old = new PasswordHasher(500, new SecureRandom()).hash("Correct-Horse-9");

    assertThat(old).startsWith("pbkdf2_sha256$500$");
    assertThat(hasher.matches("Correct-Horse-9", old)).isTrue();
  }

  @Test
  void malformed_stored_hash_never_matches() {
    assertThat(hasher.matches("x", "plain-text")).isFalse();
    assertThat(hasher.matches("x", "pbkdf2_sha256$abc$AAAA$AAAA")).isFalse();
    assertThat(hasher.matches("x", "pbkdf2_sha256$0$AAAA$AAAA")).isFalse();
    assertThat(hasher.matches("x", "pbkdf2_sha256$10$!!$AAAA")).isFalse();
  }
}
