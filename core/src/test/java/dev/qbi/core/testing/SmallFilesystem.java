package dev.qbi.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a directory, for tests of a full disk: {@link #fill} writes a filler
 * file until the filesystem says "no space left", {@link #free} deletes it. Mounting needs Linux
 * and root (or CAP_SYS_ADMIN); {@link #mount} says why when it cannot, so tests can fall back to a
 * simulated fault.
 */
public final class SmallFilesystem implements AutoCloseable {

  /** A mount, or the reason there is none. */
  public record Attempt(SmallFilesystem mounted, String whyNot) {}

  private final Path dir;
  private final Path filler;

  private SmallFilesystem(Path dir) {
    this.dir = dir;
    this.filler = dir.resolve(".filler");
  }

  /** Mounts a tmpfs of {@code megabytes} on {@code dir} (created if missing). */
  public static Attempt mount(Path dir, int megabytes) {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return new Attempt(null, "not Linux");
    }
    try {
      Files.createDirectories(dir);
      String out =
          run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
      if (out != null) {
        return new Attempt(null, "mount refused: " + out.strip());
      }
      return new Attempt(new SmallFilesystem(dir), null);
    } catch (IOException e) {
      return new Attempt(null, "cannot run mount: " + e.getMessage());
    }
  }

  public Path dir() {
    return dir;
  }

  /** Writes a filler file until the filesystem is full. */
  public void fill() throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
    // fill the last partial block too
    try (OutputStream out =
        Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(0);
        out.flush();
      }
    } catch (IOException full) {
      // full to the last byte
    }
  }

  /** Deletes the filler file: space is back. */
  public void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  /** Unmounts (lazily, should something still hold a file open). */
  @Override
  public void close() throws IOException {
    run("umount", "-l", dir.toString());
  }

  /** Runs a command; null when it succeeded, else its output. */
  private static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "timed out";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
