package dev.qbi.bench;

import dev.qbi.runtime.local.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The entry of the benchmark jar, behind {@code ./ingest bench}: the load generator lives in its
 * own jar so the production server jar carries none of it.
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new BenchCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .registerConverter(Duration.class, new DurationConverter())
        .execute(args);
  }
}
