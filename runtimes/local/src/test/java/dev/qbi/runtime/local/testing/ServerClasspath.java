package dev.qbi.runtime.local.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class path of a server started as a child JVM by a test: this module's classes and test
 * classes (the test job handlers) and its runtime dependencies, as Maven wrote them to {@code
 * target/server-classpath.txt} — without the test-only jars (the AWS emulators bring a few
 * hundred), which the child would otherwise open, each holding a file descriptor.
 */
public final class ServerClasspath {
  private ServerClasspath() {}

  public static String get() {
    Path file = Path.of("target", "server-classpath.txt");
    try {
      return String.join(
          File.pathSeparator,
          Path.of("target", "classes").toAbsolutePath().toString(),
          Path.of("target", "test-classes").toAbsolutePath().toString(),
          Files.readString(file).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(
          file.toAbsolutePath() + " is missing: build through Maven (generate-test-resources)", e);
    }
  }
}
