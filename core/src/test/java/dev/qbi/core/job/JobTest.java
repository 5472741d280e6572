package dev.qbi.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final Job submitted = Job.submitted(JobId.random(), new Owner("o"), "md5", T0);

  @Test
  void next_bumps_the_version_and_keeps_identity_fields() {
    Instant t1 = T0.plusSeconds(1);
    Job next = submitted.next(JobStatus.PROCESSING, t1, 1, null, null);

    assertThat(next.version()).isEqualTo(submitted.version() + 1);
    assertThat(next.status()).isEqualTo(JobStatus.PROCESSING);
    assertThat(next.updatedAt()).isEqualTo(t1);
    assertThat(next.submittedAt()).isEqualTo(T0);
    assertThat(next.id()).isEqualTo(submitted.id());
    assertThat(next.owner()).isEqualTo(submitted.owner());
    assertThat(next.payloadMd5()).isEqualTo("md5");
  }

  @Test
  void transitions_outside_the_lifecycle_are_refused() {
    assertThatThrownBy(() -> submitted.next(JobStatus.COMPLETE, T0, 1, "k", null))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> submitted.next(JobStatus.SUBMITTED, T0, 1, null, null))
        .isInstanceOf(IllegalStateException.class);
    Job done =
        submitted
            .next(JobStatus.PROCESSING, T0, 1, null, null)
            .next(JobStatus.COMPLETE, T0, 1, "k", null);
    for (JobStatus to : JobStatus.values()) {
      assertThatThrownBy(() -> done.next(to, T0, 2, null, null))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void errors_are_appended_and_bounded_to_the_latest_five() {
    Job job = submitted.next(JobStatus.PROCESSING, T0, 1, null, null);
    for (int i = 1; i <= 7; i++) {
      job = job.next(JobStatus.PROCESSING, T0, i, null, "E" + i);
    }

    assertThat(job.errors()).containsExactly("E3", "E4", "E5", "E6", "E7");
    assertThat(job.error()).isEqualTo("E7");
    assertThat(job.failure()).contains("E7");
    assertThat(job.next(JobStatus.COMPLETE, T0, 8, "k", null).failure())
        .as("a complete job shows no error")
        .isEmpty();
  }

  @Test
  void errors_are_an_immutable_copy() {
    List<String> errors = new ArrayList<>(List.of("E1"));
    Job job =
        new Job(
            JobId.random(),
            new Owner("o"),
            JobStatus.FAILED,
            T0,
            T0,
            1,
            null,
            null,
            errors,
            2,
            null,
            null,
            0);
    errors.add("E2");

    assertThat(job.errors()).containsExactly("E1");
    assertThatThrownBy(() -> job.errors().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void a_cancel_request_is_kept_while_processing_and_cleared_when_the_job_ends() {
    Job running = submitted.next(JobStatus.PROCESSING, T0, 1, null, null);
    Job asked = running.cancelRequested(T0.plusSeconds(1));

    assertThat(asked.isCancelRequested()).isTrue();
    assertThat(asked.version()).isEqualTo(running.version() + 1);
    assertThat(asked.next(JobStatus.PROCESSING, T0, 2, null, "E").isCancelRequested()).isTrue();
    Job cancelled = asked.next(JobStatus.CANCELLED, T0, 1, null, null);
    assertThat(cancelled.status().isTerminal()).isTrue();
    assertThat(cancelled.isCancelRequested()).isFalse();
    assertThatThrownBy(() -> submitted.cancelRequested(T0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void a_redrive_starts_a_failed_job_over_and_keeps_its_history() {
    Job failed =
        submitted
            .next(JobStatus.PROCESSING, T0, 1, null, null)
            .next(JobStatus.FAILED, T0, 3, null, "E: last");
    Instant at = T0.plusSeconds(60);

    Job again = failed.redriven(at);

    assertThat(again.status()).isEqualTo(JobStatus.SUBMITTED);
    assertThat(again.redrivenAt()).isEqualTo(at);
    assertThat(again.errors()).containsExactly("E: last");
    assertThat(again.attempts()).as("the new series starts over").isZero();
    assertThat(again.earlierAttempts()).isEqualTo(3);
    assertThat(again.totalAttempts()).isEqualTo(3);
    Job fourth = again.next(JobStatus.PROCESSING, at, 1, null, null);
    assertThat(fourth.totalAttempts()).isEqualTo(4);
    assertThat(again.version()).isEqualTo(failed.version() + 1);
    assertThatThrownBy(() -> submitted.redriven(at)).isInstanceOf(IllegalStateException.class);
  }
}
