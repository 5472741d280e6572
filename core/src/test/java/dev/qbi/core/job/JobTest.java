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
        new Job(JobId.random(), new Owner("o"), JobStatus.FAILED, T0, T0, 1, null, null, errors, 2);
    errors.add("E2");

    assertThat(job.errors()).containsExactly("E1");
    assertThatThrownBy(() -> job.errors().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
