package dev.qbi.adapters.local.files;

import dev.qbi.core.error.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secret files in the data dir (URL-signing secret, signing keys): created once, readable and
 * writable by the owner only ({@code rw-------}), in an owner-only directory. Contents are never
 * logged.
 */
public final class Secrets {

  private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");

  private Secrets() {}

  /**
   * Reads {@code file}, or creates it with {@code bytes} random bytes.
   *
   * @throws StorageException when the file cannot be read or created, or holds a different number
   *     of bytes
   */
  public static byte[] loadOrCreate(Path file, int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("bytes must be positive");
    }
    byte[] secret =
        loadOrCreate(
            file,
            () -> {
              byte[] b = new byte[bytes];
              RANDOM.nextBytes(b);
              return b;
            });
    if (secret.length != bytes) {
      throw new StorageException(
          "secret file " + file + " holds " + secret.length + " bytes, expected " + bytes);
    }
    return secret;
  }

  /**
   * Reads {@code file}, or creates it with what {@code generator} makes (e.g. an encoded private
   * key). Creation is atomic: concurrent callers all end up with the same content. An existing file
   * with looser permissions is tightened to {@code rw-------}.
   *
   * @throws StorageException when the file cannot be read or created
   */
  public static byte[] loadOrCreate(Path file, Supplier<byte[]> generator) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(generator, "generator");
    try {
      if (Files.exists(file)) {
        restrict(file);
        return Files.readAllBytes(file);
      }
      Path dir = file.toAbsolutePath().getParent();
      createPrivateDirectories(dir);
      byte[] content = Objects.requireNonNull(generator.get(), "generated secret");
      Path temp = createOwnerOnlyFile(dir, file.getFileName() + ".");
      try {
        writeDurably(temp, content);
        publishUnlessPresent(temp, file);
        LOG.info("created secret file {}", file);
        return content;
      } catch (FileAlreadyExistsException e) {
        // another thread or process created it first: everyone uses theirs
        return Files.readAllBytes(file);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new StorageException("cannot load or create secret file " + file, e);
    }
  }

  /**
   * Writes {@code content} to {@code file} atomically, owner-only, replacing any previous content.
   */
  public static void writeOwnerOnly(Path file, byte[] content) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(content, "content");
    try {
      Path dir = file.toAbsolutePath().getParent();
      createPrivateDirectories(dir);
      Path temp = createOwnerOnlyFile(dir, file.getFileName() + ".");
      try {
        writeDurably(temp, content);
        try {
          Files.move(
              temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new StorageException("cannot write secret file " + file, e);
    }
  }

  private static void writeDurably(Path file, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  /**
   * Makes the complete {@code temp} visible as {@code file} only if {@code file} does not exist (a
   * rename would silently replace it): a hard link is atomic and fails if the name is taken.
   */
  private static void publishUnlessPresent(Path temp, Path file) throws IOException {
    try {
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | IOException e) {
      Files.move(temp, file); // fails if present, though not atomically
    }
  }

  private static boolean posix(Path p) {
    return Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    FileAttribute<?>[] attrs =
        posix(parent == null ? dir.getRoot() : parent)
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_DIR)}
            : new FileAttribute<?>[0];
    try {
      Files.createDirectory(dir, attrs);
    } catch (FileAlreadyExistsException e) {
      // created concurrently
    }
  }

  private static Path createOwnerOnlyFile(Path dir, String prefix) throws IOException {
    if (posix(dir)) {
      return Files.createTempFile(
          dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_FILE));
    }
    return Files.createTempFile(dir, prefix, ".tmp");
  }

  private static void restrict(Path file) throws IOException {
    if (!posix(file)) {
      return;
    }
    Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
    if (!current.equals(OWNER_FILE)) {
      Files.setPosixFilePermissions(file, OWNER_FILE);
      LOG.warn(
          "secret file {} had permissions {}; set to rw-------",
          file,
          PosixFilePermissions.toString(current));
    }
  }
}
