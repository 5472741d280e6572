package dev.qbi.runtime.local.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The token {@code ingest login} saves for the job commands: one file holding the IdToken, readable
 * by its owner only ({@code 0600}, in a {@code 0700} directory), at {@code
 * $XDG_CONFIG_HOME/ingest/token} or else {@code ~/.config/ingest/token}.
 */
public final class TokenFile {
  private TokenFile() {}

  /** Where the token lives by default, given the environment and the home directory. */
  public static Path defaultPath(Map<String, String> env, String userHome) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path config =
        xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome).resolve(".config");
    return config.resolve("ingest").resolve("token");
  }

  /** {@link #defaultPath} of this process, as text (a picocli default value). */
  public static String defaultPathText() {
    return defaultPath(System.getenv(), System.getProperty("user.home")).toString();
  }

  /** The saved token; empty when there is no file or it is empty. */
  public static Optional<String> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /**
   * Saves {@code token}, replacing the file atomically; on a POSIX file system the directory is
   * created {@code 0700} and the file {@code 0600} before the token is written into it.
   */
  public static void write(Path file, String token) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    }
    Path temp =
        posix
            ? Files.createTempFile(
                dir,
                ".token",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, ".token", ".tmp");
    try {
      Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
