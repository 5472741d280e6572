package dev.qbi.identity;

import java.time.Duration;
import java.time.Instant;

/**
 * How long repeated failures (wrong passwords, wrong confirmation codes) lock a user: nothing below
 * the pool's limit, then its base lockout, doubling with each further failure, capped at its
 * maximum.
 */
final class Lockout implements IdentityStore.LockPolicy {
  private final IdentitySettings settings;

  Lockout(IdentitySettings settings) {
    this.settings = settings;
  }

  /** Whether failure number {@code failures} in a row locks the user. */
  boolean locks(int failures) {
    return failures >= settings.maxFailedAttempts();
  }

  /** Failure number {@code n} in a row locks from the limit on: base, then doubling, capped. */
  @Override
  public Instant lockUntil(int failures, Instant now) {
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
}
