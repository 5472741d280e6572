package dev.qbi.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.InvalidRequestException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobIdTest {

  @Test
  void random_ids_are_version_4_ietf_variant_uuids_and_do_not_repeat() {
    Set<JobId> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      JobId id = JobId.random();
      UUID u = id.value();
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void random_ids_spread_over_every_hex_digit_of_the_random_part() {
    int[] counts = new int[16];
    for (int i = 0; i < 16_000; i++) {
      counts[Character.digit(JobId.random().toString().charAt(0), 16)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(700, 1300);
    }
  }

  @Test
  void ids_print_lower_case_and_parse_back() {
    JobId id = JobId.random();

    assertThat(JobId.parse(id.toString().toUpperCase(java.util.Locale.ROOT))).isEqualTo(id);
    assertThat(id.toString()).matches("[0-9a-f-]{36}");
    assertThatThrownBy(() -> JobId.parse("not-a-uuid")).isInstanceOf(InvalidRequestException.class);
  }
}
