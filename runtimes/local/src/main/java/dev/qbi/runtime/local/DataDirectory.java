package dev.qbi.runtime.local;

import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.tls.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up checks of a data dir, before any store opens, and its lock for the process's life:
 *
 * <ul>
 *   <li>an exclusive lock on {@code <data dir>/.lock} (holding the owner's pid): a second server on
 *       the same dir is refused before it creates anything;
 *   <li>a marker, {@code <data dir>/ingest.marker}, naming the databases the dir holds: a listed
 *       database that is missing, or an {@code ingest.db} missing while keys or outputs exist, is a
 *       refusal to start, never a silent fresh start (damage inside a database is found by {@code
 *       PRAGMA quick_check} when it opens);
 *   <li>owner-only permissions: the dir and every directory in it {@code rwx------}, every file
 *       {@code rw-------} (SQLite creates {@code -wal} and {@code -shm} files with the mode of
 *       their database, which is created owner-only), but for the certificate of {@code --tls
 *       self-signed}, {@code tls/cert.pem}, public by nature.
 * </ul>
 *
 * A refusal is a {@link Refused} exception whose message is one line saying what to do.
 */
final class DataDirectory implements AutoCloseable {
  static final String LOCK_FILE = ".lock";
  static final String MARKER_FILE = "ingest.marker";
  static final String INGEST_DB = "ingest.db";
  static final String IDENTITY_DB = LocalIdentityProvider.DATABASE_FILE;

  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final String DATABASES = "databases=";

  /** The data dir cannot be used: the message says why and what to do, in one line. */
  static final class Refused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the dir if missing, takes its lock, then checks what is in it.
   *
   * @throws Refused when another server holds the dir, or a database is missing
   */
  static DataDirectory open(Path dir) {
    createPrivateDirectory(dir);
    FileChannel channel = null;
    try {
      Path lockFile = dir.resolve(LOCK_FILE);
      channel =
          posix(dir)
              ? FileChannel.open(
                  lockFile,
                  Set.of(
                      StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                  PosixFilePermissions.asFileAttribute(OWNER_FILE))
              : FileChannel.open(
                  lockFile,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisProcess) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
        throw new Refused(
            "the data dir "
                + dir
                + " is in use by another ingest server"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + ": stop it first, or give this one another --data-dir");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)),
          0);
      DataDirectory opened = new DataDirectory(dir, channel, lock);
      try {
        opened.check();
        opened.restrictPermissions(true);
        opened.createOwnerOnly(INGEST_DB);
      } catch (RuntimeException | IOException e) {
        opened.close();
        throw e;
      }
      return opened;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock the data dir " + dir, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  Path dir() {
    return dir;
  }

  /** Refuses a dir whose marker lists a missing database, or that has keys but no ingest.db. */
  private void check() throws IOException {
    Set<String> listed = listedDatabases();
    for (String db : listed) {
      if (!Files.exists(dir.resolve(db))) {
        throw new Refused(
            "the data dir "
                + dir
                + " had "
                + db
                + " and it is missing: restore it from a backup, or start with an empty data dir");
      }
    }
    if (!Files.exists(dir.resolve(INGEST_DB))) {
      List<String> leftovers = new ArrayList<>();
      for (String name : List.of("keys", "payloads", IDENTITY_DB, MARKER_FILE)) {
        if (Files.exists(dir.resolve(name))) {
          leftovers.add(name);
        }
      }
      if (!leftovers.isEmpty()) {
        throw new Refused(
            "the data dir "
                + dir
                + " has "
                + String.join(", ", leftovers)
                + " but no "
                + INGEST_DB
                + ": restore it from a backup, or start with an empty data dir");
      }
    }
  }

  /**
   * After the stores opened: records the databases the dir now holds in the marker, and makes every
   * file in the dir owner-only (files created since the check included).
   */
  void recordOpened() {
    Set<String> present = new LinkedHashSet<>();
    for (String db : List.of(INGEST_DB, IDENTITY_DB)) {
      if (Files.exists(dir.resolve(db))) {
        present.add(db);
      }
    }
    try {
      if (!present.equals(listedDatabases())) {
        String text =
            "# The data of an ingest server. The server refuses to start when a database\n"
                + "# listed here is missing: restore it, or start with an empty data dir.\n"
                + DATABASES
                + String.join(" ", present)
                + "\n";
        Path temp = dir.resolve(MARKER_FILE + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        restrict(temp, OWNER_FILE);
        Files.move(
            temp,
            dir.resolve(MARKER_FILE),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      restrictPermissions(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(MARKER_FILE), e);
    }
  }

  private Set<String> listedDatabases() throws IOException {
    Path marker = dir.resolve(MARKER_FILE);
    Set<String> listed = new LinkedHashSet<>();
    if (!Files.exists(marker)) {
      return listed;
    }
    for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
      if (line.startsWith(DATABASES)) {
        for (String name : line.substring(DATABASES.length()).strip().split("\\s+")) {
          if (name.equals(INGEST_DB) || name.equals(IDENTITY_DB)) {
            listed.add(name);
          }
        }
      }
    }
    return listed;
  }

  /**
   * A new database file, empty (SQLite takes an empty file as a new database) and owner-only, so
   * that it and the {@code -wal} and {@code -shm} files SQLite makes with its mode never are
   * readable by others.
   */
  private void createOwnerOnly(String name) throws IOException {
    Path file = dir.resolve(name);
    if (!Files.exists(file) && posix(dir)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
    }
  }

  /**
   * Owner-only modes on the dir and what is in it: with {@code deep}, the whole tree (data dirs of
   * earlier releases included); else the files at its top (the databases and their companions).
   */
  private void restrictPermissions(boolean deep) throws IOException {
    if (!posix(dir)) {
      return;
    }
    // a certificate is public: the self-signed one stays readable (its directories are not)
    Path publicCertificate = SelfSignedCertificate.certFile(dir);
    Files.walkFileTree(
        dir,
        Set.of(),
        deep ? Integer.MAX_VALUE : 1,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            restrict(d, OWNER_DIR);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile() && !file.equals(publicCertificate)) {
              restrict(file, OWNER_FILE);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE; // a temporary file gone meanwhile
            }
            throw e;
          }
        });
  }

  private static void restrict(Path path, Set<PosixFilePermission> mode) throws IOException {
    try {
      if (!Files.getPosixFilePermissions(path).equals(mode)) {
        Files.setPosixFilePermissions(path, mode);
      }
    } catch (NoSuchFileException gone) {
      // a temporary file renamed or deleted meanwhile
    }
  }

  /** Releases the lock (the lock file stays). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.debug("releasing the data dir lock: {}", e.getMessage());
    }
    closeQuietly(lockChannel);
  }

  private static void createPrivateDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Path parent = dir.toAbsolutePath().getParent();
        FileAttribute<?>[] attrs =
            parent != null && posix(parent)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_DIR)}
                : new FileAttribute<?>[0];
        Files.createDirectories(dir, attrs);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data dir " + dir, e);
    }
  }

  private static boolean posix(Path p) {
    Path existing = p.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null
        && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
