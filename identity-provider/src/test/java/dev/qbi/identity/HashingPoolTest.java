package dev.qbi.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HashingPoolTest {

  @Test
  void hashes_and_checks_passwords_on_its_threads() {
    try (HashingPool pool = new HashingPool(new PasswordHasher(1_000, new SecureRandom()), 1, 0);
        HashingPool.Place place = pool.admit()) {
      String stored = place.hash("Correct-Horse-9");

      assertThat(place.matches("Correct-Horse-9", stored)).isTrue();
      assertThat(place.matches("Correct-Horse-8", stored)).isFalse();
      place.matchAgainstDummy("anything");
      assertThat(pool.derivations()).isEqualTo(4);
    }
  }

  @Test
  void places_are_counted_and_given_back_once() {
    try (HashingPool pool = new HashingPool(new PasswordHasher(1_000, new SecureRandom()), 1, 1)) {
      HashingPool.Place first = pool.admit();
      HashingPool.Place second = pool.admit();
      assertThatThrownBy(pool::admit)
          .isInstanceOfSatisfying(
              CognitoException.class,
              e -> {
                assertThat(e.type()).isEqualTo(CognitoException.TOO_MANY_REQUESTS);
                assertThat(e.getMessage()).isEqualTo("Rate exceeded");
              });
      first.close();
      first.close(); // no second place from closing twice
      HashingPool.Place third = pool.admit();
      assertThatThrownBy(pool::admit).isInstanceOf(CognitoException.class);
      second.close();
      third.close();
      assertThat(pool.refusals()).isEqualTo(2);
    }
  }

  @Test
  void a_saturated_pool_refuses_at_once_with_too_many_requests() throws Exception {
    // one thread, one waiting place; slow hashes keep both busy
    PasswordHasher slow = new PasswordHasher(600_000, new SecureRandom());
    String stored = slow.hash("Correct-Horse-9");
    try (HashingPool pool = new HashingPool(slow, 1, 1);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      int callers = 16;
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger refused = new AtomicInteger();
      List<Future<Long>> refusalNanos = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        refusalNanos.add(
            threads.submit(
                () -> {
                  go.await();
                  long t0 = System.nanoTime();
                  try (HashingPool.Place place = pool.admit()) {
                    place.matches("Wrong-Password-1", stored);
                    return -1L;
                  } catch (CognitoException e) {
                    assertThat(e.type()).isEqualTo(CognitoException.TOO_MANY_REQUESTS);
                    refused.incrementAndGet();
                    return System.nanoTime() - t0;
                  }
                }));
      }
      go.countDown();
      long slowestRefusal = 0;
      for (Future<Long> f : refusalNanos) {
        slowestRefusal = Math.max(slowestRefusal, f.get(60, TimeUnit.SECONDS));
      }

      // at most one running and one waiting got through; the rest were refused
      assertThat(refused.get()).isGreaterThanOrEqualTo(callers - 2);
      assertThat(pool.refusals()).isEqualTo(refused.get());
      assertThat(pool.derivations()).isEqualTo(callers - refused.get());
      // refusals do not wait for a hash (one takes hundreds of milliseconds here)
      assertThat(slowestRefusal).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  @Test
  void sizes_must_make_sense() {
    PasswordHasher hasher = new PasswordHasher(1_000, new SecureRandom());
    assertThatThrownBy(() -> new HashingPool(hasher, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HashingPool(hasher, 1, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
