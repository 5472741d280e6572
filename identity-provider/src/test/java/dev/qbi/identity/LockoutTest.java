package dev.qbi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LockoutTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private final Lockout lockout =
      new Lockout(
          IdentitySettings.of(
                  IdentitySettings.DEFAULT_POOL_ID,
                  IdentitySettings.DEFAULT_CLIENT_ID,
                  "http://127.0.0.1:8080/" + IdentitySettings.DEFAULT_POOL_ID)
              .withLockout(3, Duration.ofSeconds(10), Duration.ofMinutes(1)));

  @Test
  void failures_below_the_limit_do_not_lock() {
    assertThat(lockout.locks(2)).isFalse();
    assertThat(lockout.lockUntil(0, NOW)).isEqualTo(Instant.EPOCH);
    assertThat(lockout.lockUntil(2, NOW)).isEqualTo(Instant.EPOCH);
  }

  @Test
  void failures_from_the_limit_on_lock_for_a_doubling_time() {
    assertThat(lockout.locks(3)).isTrue();
    assertThat(lockout.lockUntil(3, NOW)).isEqualTo(NOW.plusSeconds(10));
    assertThat(lockout.lockUntil(4, NOW)).isEqualTo(NOW.plusSeconds(20));
    assertThat(lockout.lockUntil(5, NOW)).isEqualTo(NOW.plusSeconds(40));
  }

  @Test
  void lock_time_is_capped_even_after_very_many_failures() {
    assertThat(lockout.lockUntil(6, NOW)).isEqualTo(NOW.plusSeconds(60));
    assertThat(lockout.lockUntil(1_000, NOW)).isEqualTo(NOW.plusSeconds(60));
    assertThat(lockout.lockUntil(Integer.MAX_VALUE, NOW)).isEqualTo(NOW.plusSeconds(60));
  }
}
