package dev.qbi.identity;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the slow password work (PBKDF2) runs: a fixed number of platform threads with a short
 * bounded queue in front of them. The caller (a request's virtual thread) waits for the result
 * without holding any lock; when every thread is busy and the queue is full, the call fails at once
 * with Cognito's {@code TooManyRequestsException} instead of queueing behind a flood of logins. So
 * a flood of sign-ins or sign-ups costs at most {@code threads} cores and never stalls the other
 * requests: they run on virtual threads, which a CPU-bound hash on a carrier thread would starve.
 */
final class HashingPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HashingPool.class);

  /** Cognito's message for a throttled request. */
  static final String RATE_EXCEEDED = "Rate exceeded";

  private final PasswordHasher hasher;
  private final ThreadPoolExecutor executor;
  private final AtomicLong derivations = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();

  HashingPool(PasswordHasher hasher, int threads, int queue) {
    if (threads < 1 || queue < 0) {
      throw new IllegalArgumentException("threads must be >= 1 and queue >= 0");
    }
    this.hasher = hasher;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, "password-hashing-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.executor.prestartAllCoreThreads();
  }

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

  /** How many hashes were computed so far (tests, metrics). */
  long derivations() {
    return derivations.get();
  }

  /** How many calls were refused because the pool was saturated. */
  long refusals() {
    return refusals.get();
  }

  private <T> T run(Callable<T> work) {
    Future<T> future;
    try {
      future =
          executor.submit(
              () -> {
                try {
                  return work.call();
                } finally {
                  derivations.incrementAndGet();
                }
              });
    } catch (RejectedExecutionException e) {
      long refused = refusals.incrementAndGet();
      if (refused == 1 || refused % 1000 == 0) {
        LOG.warn("Password hashing is saturated: refused {} requests so far", refused);
      }
      throw new CognitoException(CognitoException.TOO_MANY_REQUESTS, RATE_EXCEEDED);
    }
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
