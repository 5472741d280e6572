package dev.qbi.identity;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the slow password work (PBKDF2) runs: a fixed number of platform threads, and a fixed
 * number of places ({@code threads + queue}) for the sign-ins and sign-ups that use them. A request
 * takes its place ({@link #admit}) before anything else — before it reads the database — and keeps
 * it to the end; when none is free it fails at once with Cognito's {@code
 * TooManyRequestsException}, so a flood costs neither queueing nor database work. The caller (a
 * request's virtual thread) waits for the hash without holding any lock. So a flood of sign-ins
 * costs at most {@code threads} cores and never stalls the other requests: they run on virtual
 * threads, which a CPU-bound hash on a carrier thread would starve.
 */
final class HashingPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HashingPool.class);

  /** Cognito's message for a throttled request. */
  static final String RATE_EXCEEDED = "Rate exceeded";

  private final PasswordHasher hasher;
  private final ExecutorService executor;
  private final Semaphore places;
  private final AtomicLong derivations = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();

  HashingPool(PasswordHasher hasher, int threads, int queue) {
    if (threads < 1 || queue < 0) {
      throw new IllegalArgumentException("threads must be >= 1 and queue >= 0");
    }
    this.hasher = hasher;
    this.places = new Semaphore(threads + queue);
    AtomicInteger n = new AtomicInteger();
    // unbounded queue, but never more tasks than places
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "password-hashing-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A place in the pool for one sign-in or sign-up, to close when it is answered.
   *
   * @throws CognitoException {@code TooManyRequestsException} when every place is taken
   */
  Place admit() {
    if (!places.tryAcquire()) {
      long refused = refusals.incrementAndGet();
      if (refused == 1 || refused % 1000 == 0) {
        LOG.warn("Password hashing is saturated: refused {} requests so far", refused);
      }
      throw new CognitoException(CognitoException.TOO_MANY_REQUESTS, RATE_EXCEEDED);
    }
    return new Place();
  }

  /** How many hashes were computed so far (tests, metrics). */
  long derivations() {
    return derivations.get();
  }

  /** How many requests were refused because every place was taken. */
  long refusals() {
    return refusals.get();
  }

  /** One request's place: the hashing it needs runs on the pool's threads. */
  final class Place implements AutoCloseable {
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Place() {}

    /** A new salted hash of {@code password}. */
    String hash(String password) {
      return run(() -> hasher.hash(password));
    }

    /** Whether {@code password} matches the {@code stored} hash. */
    boolean matches(String password, String stored) {
      return run(() -> hasher.matches(password, stored));
    }

    /** The same work as checking a real password, for an answer that must not be told apart. */
    void matchAgainstDummy(String password) {
      run(
          () -> {
            hasher.matchAgainstDummy(password);
            return Boolean.FALSE;
          });
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        places.release();
      }
    }
  }

  private <T> T run(Callable<T> work) {
    Future<T> future =
        executor.submit(
            () -> {
              try {
                return work.call();
              } finally {
                derivations.incrementAndGet();
              }
            });
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CognitoException(CognitoException.INTERNAL_ERROR, "Interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("password hashing failed", e.getCause());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
