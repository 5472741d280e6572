package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearest_rank_picks_the_smallest_value_covering_the_percentage() {
    long[] oneToHundred = LongStream.rangeClosed(1, 100).toArray();

    assertThat(Percentiles.percentile(oneToHundred, 50)).isEqualTo(50);
    assertThat(Percentiles.percentile(oneToHundred, 90)).isEqualTo(90);
    assertThat(Percentiles.percentile(oneToHundred, 99)).isEqualTo(99);
    assertThat(Percentiles.percentile(oneToHundred, 100)).isEqualTo(100);
    assertThat(Percentiles.percentile(new long[] {7, 9}, 50)).isEqualTo(7);
    assertThat(Percentiles.percentile(new long[] {7, 9}, 51)).isEqualTo(9);
  }

  @Test
  void summary_sorts_its_input_and_reports_milliseconds() {
    long[] nanos = {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000};

    Percentiles.Summary s = Percentiles.of(nanos);

    assertThat(s.count()).isEqualTo(5);
    assertThat(s.p50Ms()).isEqualTo(3.0);
    assertThat(s.p99Ms()).isEqualTo(5.0);
    assertThat(s.maxMs()).isEqualTo(5.0);
    assertThat(nanos[0]).as("input left as it was").isEqualTo(5_000_000);
  }

  @Test
  void an_empty_set_has_zero_percentiles() {
    Percentiles.Summary s = Percentiles.of(new long[0]);

    assertThat(s.count()).isZero();
    assertThat(s.p50Ms()).isZero();
    assertThat(s.maxMs()).isZero();
  }

  @Test
  void a_percentile_outside_0_to_100_is_refused() {
    assertThatThrownBy(() -> Percentiles.percentile(new long[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Percentiles.percentile(new long[] {1}, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
