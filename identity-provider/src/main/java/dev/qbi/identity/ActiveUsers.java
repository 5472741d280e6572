package dev.qbi.identity;

import dev.qbi.identity.IdentityStore.User;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a user may still use its tokens: it exists, is confirmed and is enabled. Answers are
 * cached briefly so the API's token check costs no database read per request; the pool forgets a
 * user's entry as soon as it deletes or disables it, so in this process the change takes effect at
 * once.
 */
final class ActiveUsers {
  private static final int MAX_ENTRIES = 10_000;

  private final IdentityStore store;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

  private record Entry(boolean active, long expiresAtNanos) {}

  ActiveUsers(IdentityStore store, Duration ttl) {
    this.store = store;
    this.ttlNanos = ttl.toNanos();
  }

  boolean isActive(String sub) {
    long now = System.nanoTime();
    Entry e = cache.get(sub);
    if (e != null && now - e.expiresAtNanos() < 0) {
      return e.active();
    }
    boolean active = store.findBySub(sub).filter(User::confirmed).filter(User::enabled).isPresent();
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
    cache.put(sub, new Entry(active, now + ttlNanos));
    return active;
  }

  /** Drops what is known about {@code sub} (deleted, disabled or enabled just now). */
  void forget(String sub) {
    cache.remove(sub);
  }
}
