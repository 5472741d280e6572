package dev.qbi.runtime.lambda.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository the tests read (sample events, lambda-env.json, tools). */
public final class Repo {

  private Repo() {}

  /** The repository root: the first folder above the working directory with lambda-env.json. */
  public static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("lambda-env.json"))
          && Files.isDirectory(p.resolve("runtimes/lambda"))) {
        return p;
      }
    }
    throw new AssertionError("repository root not found above " + Path.of("").toAbsolutePath());
  }

  /** {@code events/<name>} at the repository root (the sample events of {@code sam local}). */
  public static Path event(String name) {
    Path p = root().resolve("events").resolve(name);
    if (!Files.isRegularFile(p)) {
      throw new AssertionError("sample event " + p + " is missing");
    }
    return p;
  }

  public static String text(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
