package dev.qbi.core.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WeatherDataSetTest {

  private static final String GOOD =
      "KSEA Seattle-Tacoma Intl|47.4502,-122.3088|2026-11-25T07:53:00-08:00|Light Rain|8.3|1016.2|87";

  @Test
  void bundled_data_set_has_at_least_300_valid_lines_and_every_line_parses() throws IOException {
    List<String> lines;
    try (InputStream in =
        WeatherDataSet.class.getResourceAsStream(WeatherDataSet.BUNDLED_RESOURCE)) {
      assertThat(in).as("bundled resource").isNotNull();
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    assertThat(lines).noneMatch(String::isBlank).hasSizeGreaterThanOrEqualTo(300);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int number = i + 1;
      // fails loudly, naming the line, when the bundled file holds a malformed one
      WeatherObservation o = WeatherDataSet.parseLine(line);
      assertThat(o.station()).as("line %d", number).isNotBlank();
    }
    assertThat(WeatherDataSet.bundled().size()).isEqualTo(lines.size());
  }

  @Test
  void bundled_observations_have_plausible_values() {
    for (WeatherObservation o : WeatherDataSet.bundled().observations()) {
      assertThat(o.humidity()).as("humidity of %s", o).isBetween(5, 100);
      assertThat(o.pressure()).as("pressure of %s", o).isBetween(960.0, 1050.0);
      assertThat(o.temperature()).as("temperature of %s", o).isBetween(-60.0, 55.0);
      assertThat(OffsetDateTime.parse(o.localTime())).as("localTime of %s", o).isNotNull();
      String[] latLon = o.geoLocation().split(",");
      assertThat(Double.parseDouble(latLon[0])).isBetween(-90.0, 90.0);
      assertThat(Double.parseDouble(latLon[1])).isBetween(-180.0, 180.0);
    }
  }

  @Test
  void bundled_data_set_varies_stations_and_conditions() {
    List<WeatherObservation> all = WeatherDataSet.bundled().observations();
    assertThat(all.stream().map(WeatherObservation::station).collect(Collectors.toSet()))
        .hasSizeGreaterThanOrEqualTo(30);
    assertThat(all.stream().map(WeatherObservation::conditions).collect(Collectors.toSet()))
        .hasSizeGreaterThanOrEqualTo(10);
    assertThat(all).anyMatch(o -> o.geoLocation().startsWith("-")); // southern hemisphere
    assertThat(all).anyMatch(o -> o.temperature() < 0);
  }

  @Test
  void bundled_data_set_is_loaded_once() {
    assertThat(WeatherDataSet.bundled()).isSameAs(WeatherDataSet.bundled());
  }

  @Test
  void a_line_parses_into_its_seven_fields() {
    WeatherObservation o = WeatherDataSet.parseLine(GOOD);
    assertThat(o)
        .isEqualTo(
            new WeatherObservation(
                "KSEA Seattle-Tacoma Intl",
                "47.4502,-122.3088",
                "2026-11-25T07:53:00-08:00",
                "Light Rain",
                8.3,
                1016.2,
                87));
  }

  @Test
  void malformed_lines_are_rejected_with_source_and_line_number() {
    String text =
        GOOD + "\n\n" + "KSEA Seattle|47.45,-122.30|2026-11-25T07:53:00-08:00|Rain|8.3|1016.2\n";
    assertThatThrownBy(() -> WeatherDataSet.parse("sample.dat", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sample.dat line 3")
        .hasMessageContaining("expected 7");
  }

  @Test
  void each_kind_of_bad_field_is_rejected() {
    List<String> bad =
        List.of(
            GOOD.replace("|87", "|"), // empty field
            GOOD.replace("|8.3|", "|warm|"), // not a number
            GOOD.replace("|87", "|87.5"), // humidity not whole
            GOOD.replace("|87", "|140"), // humidity out of range
            GOOD.replace("|1016.2|", "|10162|"), // pressure out of range
            GOOD.replace("2026-11-25T07:53:00-08:00", "2026-11-25 07:53"), // no offset
            GOOD.replace("47.4502,-122.3088", "47.4502"), // no longitude
            GOOD.replace("47.4502,", "97.4502,"), // latitude out of range
            GOOD + "|extra");
    for (String line : bad) {
      assertThatThrownBy(() -> WeatherDataSet.parseLine(line))
          .as(line)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void blank_text_is_not_a_data_set() {
    assertThatThrownBy(() -> WeatherDataSet.parse("empty.dat", "\n \n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty.dat");
  }
}
