package dev.qbi.runtime.local.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Objects;

/**
 * Where a command reads and writes bytes (job bodies on stdin, outputs on stdout) and whether a
 * person is at a terminal; the process's own streams, or a test's.
 *
 * @param in standard input
 * @param out standard output (job ids, outputs, JSON)
 * @param err standard error (progress and error lines)
 * @param interactive true when stdin and stdout are a terminal (a person can be prompted)
 */
public record Streams(InputStream in, PrintStream out, PrintStream err, boolean interactive) {

  public Streams {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }

  /** The process's streams. */
  public static Streams system() {
    return new Streams(System.in, System.out, System.err, terminalAttached());
  }

  /**
   * True when the JVM's console is a terminal. Up to JDK 21 a console exists only then; from JDK 22
   * on it exists also when the streams are redirected, and {@code Console.isTerminal()} tells.
   */
  public static boolean terminalAttached() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
