package dev.qbi.runtime.local.testing;

import dev.qbi.runtime.local.Main;
import dev.qbi.runtime.local.cli.Streams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code ingest} command lines in this JVM, through the entry point, with captured streams.
 */
public final class Cli {
  private Cli() {}

  /** What a command line did: its exit code and what it wrote. */
  public record Result(int code, byte[] outBytes, String err) {
    public String out() {
      return new String(outBytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + code + "\nstdout: " + out() + "\nstderr: " + err;
    }
  }

  /** Runs {@code args} with an empty stdin. */
  public static Result run(String... args) {
    return run(new byte[0], args);
  }

  /** Runs {@code args} with {@code stdin} piped in (as {@code echo ... | ingest ...}). */
  public static Result pipe(String stdin, String... args) {
    return run(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  public static Result run(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code = Main.run(new Streams(new ByteArrayInputStream(stdin), o, e, false), args);
    o.flush();
    e.flush();
    return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
