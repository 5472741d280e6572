package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How ProcessJob's queue calls map onto a Lambda batch response. */
class BatchMessageQueueTest {

  private final RecordingQueue real = new RecordingQueue();
  private final BatchMessageQueue queue = new BatchMessageQueue(real);
  private final Delivery delivery =
      new Delivery(
          new JobMessage(
              JobId.random(), new Owner("o"), "{}".getBytes(StandardCharsets.UTF_8), Instant.EPOCH),
          "receipt",
          1);

  @Test
  void no_decision_is_reported_as_a_failure() {
    assertThat(queue.decision()).isEqualTo(BatchMessageQueue.Decision.NONE);
    assertThat(queue.decision().reportAsFailure()).isTrue();
  }

  @Test
  void acknowledge_is_a_success_left_to_lambda_to_delete() {
    queue.acknowledge(delivery);

    assertThat(queue.decision().reportAsFailure()).isFalse();
    assertThat(real.calls).isEmpty();
  }

  @Test
  void retry_is_a_failure_and_sets_the_backoff_on_the_real_queue() {
    queue.retryLater(delivery, Duration.ofSeconds(4));

    assertThat(queue.decision().reportAsFailure()).isTrue();
    assertThat(real.calls).containsExactly("retryLater PT4S");
  }

  @Test
  void retry_stays_a_failure_when_the_visibility_change_fails() {
    real.failRetry = true;

    queue.retryLater(delivery, Duration.ofSeconds(4));

    assertThat(queue.decision()).isEqualTo(BatchMessageQueue.Decision.RETRY);
  }

  @Test
  void dead_letter_goes_to_the_real_queue_then_counts_as_a_success() {
    queue.deadLetter(delivery, "boom");

    assertThat(queue.decision().reportAsFailure()).isFalse();
    assertThat(real.calls).containsExactly("deadLetter boom");
  }

  @Test
  void dead_letter_that_fails_leaves_the_message_to_be_retried() {
    real.failDeadLetter = true;

    assertThatThrownBy(() -> queue.deadLetter(delivery, "boom"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(queue.decision().reportAsFailure()).isTrue();
  }

  private static final class RecordingQueue implements JobQueue {
    final List<String> calls = new ArrayList<>();
    boolean failRetry;
    boolean failDeadLetter;

    @Override
    public void send(JobMessage message) {
      calls.add("send");
    }

    @Override
    public List<Delivery> receive(int max, Duration visibility, Duration wait) {
      return List.of();
    }

    @Override
    public void acknowledge(Delivery delivery) {
      calls.add("acknowledge");
    }

    @Override
    public void retryLater(Delivery delivery, Duration delay) {
      if (failRetry) {
        throw new IllegalStateException("sqs down");
      }
      calls.add("retryLater " + delay);
    }

    @Override
    public void deadLetter(Delivery delivery, String reason) {
      if (failDeadLetter) {
        throw new IllegalStateException("sqs down");
      }
      calls.add("deadLetter " + reason);
    }

    @Override
    public long depth() {
      return 0;
    }
  }
}
