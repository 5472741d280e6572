package dev.qbi.runtime.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

  @Test
  void short_forms_and_their_sums() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationConverter.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(DurationConverter.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationConverter.parse(" 1H ")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("0s")).isZero();
  }

  @Test
  void iso_8601_in_any_case() {
    assertThat(DurationConverter.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("pt0.5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("P2D")).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void anything_else_is_a_one_line_conversion_error() {
    for (String bad : new String[] {"", "1", "1x", "h", "1.5h", "1h 30m", "PTx", "ms1"}) {
      assertThatThrownBy(() -> DurationConverter.parse(bad))
          .as(bad)
          .isInstanceOf(CommandLine.TypeConversionException.class)
          .hasMessage(
              "'"
                  + bad
                  + "' is not a duration: use e.g. 500ms, 30s, 10m, 1h, 2d or ISO-8601 (PT1H)");
    }
    assertThatThrownBy(() -> DurationConverter.parse("-PT1S"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> DurationConverter.parse("99999999999999999999d"))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }
}
