package dev.qbi.adapters.local.sqlite;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes receivers waiting for messages: bumped after a commit that made a message visible (send,
 * retry, redrive) and on close. A receiver reads {@link #version()} before looking at the queue and
 * waits only while it is unchanged, so no wake-up is lost between the look and the wait.
 */
final class QueueSignal {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long version;

  /** The same instance every time, so a batch of sends wakes receivers once. */
  final Runnable wakeHook = this::wakeAll;

  long version() {
    lock.lock();
    try {
      return version;
    } finally {
      lock.unlock();
    }
  }

  void wakeAll() {
    lock.lock();
    try {
      version++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the version differs from {@code seen} or {@code nanos} pass.
   *
   * @return true if woken by a change
   */
  boolean awaitChange(long seen, long nanos) throws InterruptedException {
    lock.lock();
    try {
      long remaining = nanos;
      while (version == seen) {
        if (remaining <= 0) {
          return false;
        }
        remaining = changed.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
