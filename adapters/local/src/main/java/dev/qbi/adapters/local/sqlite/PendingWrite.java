package dev.qbi.adapters.local.sqlite;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/** A write waiting for the {@link GroupCommitWriter}. */
final class PendingWrite<T> {
  private final SqliteDatabase.Work<T> work;
  final CompletableFuture<T> future = new CompletableFuture<>();
  private T result;
  Throwable failure;

  PendingWrite(SqliteDatabase.Work<T> work) {
    this.work = work;
  }

  static PendingWrite<Void> stop() {
    return new PendingWrite<>(null);
  }

  /** Rewrites the one row of {@code writer_probe}: does writing work again? */
  static PendingWrite<Void> probe() {
    return new PendingWrite<>(
        s -> {
          PreparedStatement ps =
              s.prepare("INSERT OR REPLACE INTO writer_probe (id, probed_at) VALUES (1, ?)");
          ps.setLong(1, s.clock().millis());
          ps.executeUpdate();
          return null;
        });
  }

  boolean isStop() {
    return work == null;
  }

  void runOn(Session session) throws SQLException {
    result = work.run(session);
  }

  /** Forgets the outcome of a run whose transaction was rolled back. */
  void reset() {
    result = null;
    failure = null;
  }

  void complete() {
    if (failure == null) {
      future.complete(result);
    } else {
      future.completeExceptionally(failure);
    }
  }
}
