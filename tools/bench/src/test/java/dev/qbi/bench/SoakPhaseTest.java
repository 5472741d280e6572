package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The soak's figures: errors and RSS growth from its samples. */
class SoakPhaseTest {
  private static final long MIB = 1024 * 1024;

  private static SoakPhase.Sample sample(long seconds, long rssMib) {
    return new SoakPhase.Sample(seconds, seconds * 10, 0, OptionalLong.of(rssMib * MIB));
  }

  @Test
  void growth_is_from_the_first_sample_and_from_the_first_a_minute_in() {
    SoakPhase.Result r =
        new SoakPhase.Result(
            0,
            10,
            Duration.ofSeconds(120),
            List.of(
                sample(0, 100),
                sample(30, 150),
                sample(60, 160),
                sample(90, 170),
                sample(120, 176)),
            1_200,
            Map.of(),
            1_200,
            0);

    assertThat(r.rssGrowthPercent()).hasValueSatisfying(g -> assertThat(g).isEqualTo(76.0));
    assertThat(r.rssGrowthAfterFirstMinutePercent())
        .hasValueSatisfying(g -> assertThat(g).isEqualTo(10.0));
    assertThat(r.errors()).isZero();
    assertThat(r.toText())
        .contains("+76.0% from the first")
        .contains("+10.0% from the first a minute in")
        .contains("errors 0");
  }

  @Test
  void jobs_not_completed_and_refused_submits_are_errors() {
    SoakPhase.Result r =
        new SoakPhase.Result(
            0,
            10,
            Duration.ofSeconds(10),
            List.of(sample(0, 100), sample(10, 100)),
            100,
            Map.of("HTTP 503", 2L),
            97,
            1);

    assertThat(r.errors()).isEqualTo(2 + 1 + 2);
    assertThat(r.rssGrowthAfterFirstMinutePercent()).isEmpty();
  }
}
