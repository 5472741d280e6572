package dev.qbi.core.port;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import java.time.Duration;
import java.util.List;

/**
 * The receiving side of the job queue: at-least-once deliveries under a lease (visibility timeout),
 * receive counts, and the settling of each delivery with the {@link Decision} taken on it.
 *
 * <p>Every operation on a delivery is guarded by its receipt: once a lease has ended and the
 * message was delivered again, the old receipt can no longer settle or extend it (operations with a
 * stale receipt return {@code false} and change nothing).
 */
public interface JobInbox {

  /**
   * Leases up to {@code max} visible messages for {@code visibility}, waiting up to {@code wait}
   * for one to arrive. A message not settled before its lease ends is delivered again.
   */
  List<Delivery> receive(int max, Duration visibility, Duration wait) throws InterruptedException;

  /**
   * Settles a delivery: {@link Decision.Completed} (unless {@link Decision.Completed#settled}: its
   * job table deleted the message already) and {@link Decision.AlreadyDone} delete the message;
   * {@link Decision.RetryAfter} makes it visible again after its delay; {@link Decision.DeadLetter}
   * moves it to the dead-letter queue with the error (unless {@link Decision.DeadLetter#settled});
   * {@link Decision.Contended} leaves it leased, to come back when the lease ends.
   *
   * @return true if the receipt was current and the decision applied
   */
  boolean settle(Delivery delivery, Decision decision);

  /**
   * Extends the lease of a delivery still being worked on: the message stays invisible until {@code
   * visibility} from now.
   *
   * @return true if the receipt was current and the lease extended
   */
  boolean extendLease(Delivery delivery, Duration visibility);

  /** Messages waiting or in flight (for metrics and health). */
  long depth();
}
