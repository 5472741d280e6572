package dev.qbi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Resident memory of a process from Linux's {@code /proc/<pid>/status}: {@code VmRSS} (now) and
 * {@code VmHWM} (the peak). Elsewhere there is no such file and the figures are absent.
 */
record ProcMemory(long rssBytes, long peakRssBytes) {

  static Optional<ProcMemory> of(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.isReadable(status)) {
      return Optional.empty();
    }
    try {
      return parse(Files.readString(status));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Reads {@code VmRSS} and {@code VmHWM} (in kB) from the text of a status file. */
  static Optional<ProcMemory> parse(String statusText) {
    OptionalLong rss = kiloBytes(statusText, "VmRSS:");
    OptionalLong peak = kiloBytes(statusText, "VmHWM:");
    if (rss.isEmpty() || peak.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ProcMemory(rss.getAsLong() * 1024, peak.getAsLong() * 1024));
  }

  private static OptionalLong kiloBytes(String text, String field) {
    for (String line : text.split("\n")) {
      if (!line.startsWith(field)) {
        continue;
      }
      String[] parts = line.substring(field.length()).trim().split("\\s+");
      if (parts.length == 2 && parts[1].equalsIgnoreCase("kB")) {
        try {
          return OptionalLong.of(Long.parseLong(parts[0]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}
