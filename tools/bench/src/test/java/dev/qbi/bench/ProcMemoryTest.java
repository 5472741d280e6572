package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcMemoryTest {

  @Test
  void reads_current_and_peak_resident_memory_from_a_status_file() {
    String status =
        "Name:\tjava\nVmPeak:\t 4000000 kB\nVmHWM:\t  350000 kB\nVmRSS:\t  312000 kB\n"
            + "Threads:\t42\n";

    assertThat(ProcMemory.parse(status)).contains(new ProcMemory(312_000L * 1024, 350_000L * 1024));
  }

  @Test
  void a_status_without_the_fields_gives_nothing() {
    assertThat(ProcMemory.parse("Name:\tjava\nVmRSS:\tlots\n")).isEqualTo(Optional.empty());
  }

  @Test
  void this_process_has_a_resident_size_on_linux() {
    Optional<ProcMemory> self = ProcMemory.of(ProcessHandle.current().pid());
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(self).isPresent();
      assertThat(self.get().rssBytes()).isPositive();
      assertThat(self.get().peakRssBytes()).isGreaterThanOrEqualTo(self.get().rssBytes());
    } else {
      assertThat(self).isEmpty();
    }
  }
}
