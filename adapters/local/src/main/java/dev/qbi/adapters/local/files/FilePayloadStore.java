package dev.qbi.adapters.local.files;

import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.port.PayloadStore;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job outputs as files under a root directory ({@code <data dir>/payloads}), one file per key,
 * written atomically (temp file, fsync, atomic rename). Links are {@code
 * <publicBaseUrl>/download/<key>?expires=<epoch seconds>&signature=<base64url HMAC>}, signed by
 * {@link UrlSigner} over the key and the expiry, and served by the local server.
 *
 * <p>Keys are relative paths of plain segments ({@code jobs/<uuid>.json}): letters, digits, {@code
 * .}, {@code _} and {@code -}, not starting with a dot (so no {@code ..}, no hidden files), no
 * empty segment, no leading slash. Anything else is refused with {@link InvalidRequestException}.
 */
public final class FilePayloadStore implements PayloadStore {

  /** The URL path prefix of download links. */
  public static final String DOWNLOAD_PREFIX = "/download/";

  private static final Logger LOG = LoggerFactory.getLogger(FilePayloadStore.class);
  private static final int MAX_KEY_CHARS = 512;
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final int MAX_SEGMENT_CHARS = 128;
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_FILE_ATTRIBUTE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final Set<StandardOpenOption> NEW_FILE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  private static final long PID = ProcessHandle.current().pid();

  /** Names temporary files uniquely within this process (no random source on the hot path). */
  private static final AtomicLong TEMP_NAMES = new AtomicLong();

  private final boolean syncWrites;
  private final Path root;
  private final String baseUrl;
  private final UrlSigner signer;

  /**
   * @param root the directory holding the files (created if missing)
   * @param publicBaseUrl the server's base URL as clients reach it, e.g. {@code
   *     http://127.0.0.1:8080}
   */
  public FilePayloadStore(Path root, URI publicBaseUrl, UrlSigner signer) {
    this(root, publicBaseUrl, signer, true);
  }

  /**
   * @param syncWrites fsync each output (and its directory) before {@link #put} returns, so it
   *     survives power loss; without it an output survives a crash of this process (the write is
   *     still atomic) but not of the machine
   */
  public FilePayloadStore(Path root, URI publicBaseUrl, UrlSigner signer, boolean syncWrites) {
    this.syncWrites = syncWrites;
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
    if (!publicBaseUrl.isAbsolute() || publicBaseUrl.getRawQuery() != null) {
      throw new IllegalArgumentException(
          "publicBaseUrl must be an absolute URL without a query: " + publicBaseUrl);
    }
    String base = publicBaseUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    this.baseUrl = base;
    this.signer = Objects.requireNonNull(signer, "signer");
    try {
      createPrivateDirectories(this.root);
    } catch (IOException e) {
      throw new StorageException("cannot create payload directory " + this.root, e);
    }
  }

  public Path root() {
    return root;
  }

  public UrlSigner signer() {
    return signer;
  }

  /** True if {@code key} is acceptable (see the class comment). */
  public static boolean isValidKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_CHARS) {
      return false;
    }
    // on every output written and every download: a plain scan, no regular expression
    int segmentLength = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '/') {
        if (segmentLength == 0) {
          return false;
        }
        segmentLength = 0;
      } else if (segmentLength == 0 ? isSegmentStart(c) : isSegmentChar(c)) {
        if (++segmentLength > MAX_SEGMENT_CHARS) {
          return false;
        }
      } else {
        return false;
      }
    }
    return segmentLength > 0;
  }

  private static boolean isSegmentStart(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }

  private static boolean isSegmentChar(char c) {
    return isSegmentStart(c) || c == '.';
  }

  /** The file that holds {@code key}, guaranteed inside the root. */
  public Path pathOf(String key) {
    if (!isValidKey(key)) {
      throw new InvalidRequestException("invalid payload key");
    }
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new InvalidRequestException("invalid payload key");
    }
    return p;
  }

  private static String tempName(Path target) {
    return "." + target.getFileName() + "." + PID + "-" + TEMP_NAMES.incrementAndGet() + ".tmp";
  }

  /**
   * A new file, mode 0600 where POSIX; a leftover of a crashed process with our pid is replaced.
   */
  private static FileChannel createOwnerOnly(Path file) throws IOException {
    try {
      return FileChannel.open(file, NEW_FILE, OWNER_FILE_ATTRIBUTE);
    } catch (UnsupportedOperationException notPosix) {
      return FileChannel.open(file, NEW_FILE);
    } catch (FileAlreadyExistsException leftover) {
      Files.delete(file);
      return createOwnerOnly(file);
    }
  }

  /**
   * @throws InvalidRequestException for an invalid key
   * @throws StorageException when the file cannot be written
   */
  @Override
  public void put(String key, byte[] content, String contentType) {
    Objects.requireNonNull(content, "content");
    Path target = pathOf(key);
    try {
      Path dir = target.getParent();
      if (!Files.isDirectory(dir)) {
        createPrivateDirectories(dir);
      }
      // owner-only, as the rename keeps it; a name no other writer of this process uses
      Path temp = dir.resolve(tempName(target));
      boolean moved = false;
      try {
        try (FileChannel ch = createOwnerOnly(temp)) {
          ByteBuffer buf = ByteBuffer.wrap(content);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          if (syncWrites) {
            ch.force(true);
          }
        }
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        moved = true;
      } finally {
        if (!moved) {
          Files.deleteIfExists(temp);
        }
      }
      if (syncWrites) {
        syncDirectory(dir);
      }
    } catch (IOException e) {
      throw new StorageException("cannot write payload " + key, e);
    }
    LOG.debug("stored payload {} ({} bytes)", key, content.length);
  }

  /**
   * @throws InvalidRequestException for an invalid key
   */
  @Override
  public Optional<byte[]> get(String key) {
    Path p = pathOf(key);
    if (Files.isDirectory(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (!Files.exists(p)) {
        return Optional.empty();
      }
      throw new StorageException("cannot read payload " + key, e);
    }
  }

  /**
   * Deletes the file of {@code key} (retention); a file that is not there is fine.
   *
   * @return whether a file was deleted
   * @throws InvalidRequestException for an invalid key
   * @throws StorageException when the file exists and cannot be deleted
   */
  public boolean delete(String key) {
    Path p = pathOf(key);
    try {
      return Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new StorageException("cannot delete payload " + key, e);
    }
  }

  /**
   * @throws InvalidRequestException for an invalid key
   * @throws IllegalArgumentException for a ttl that is not positive
   */
  @Override
  public URI presign(String key, Duration ttl) {
    pathOf(key);
    long expires = signer.expiryFor(ttl);
    return URI.create(
        baseUrl
            + DOWNLOAD_PREFIX
            + key
            + "?expires="
            + expires
            + "&signature="
            + signer.sign(key, expires));
  }

  /**
   * Checks a download request for {@code key} (the URL path after {@link #DOWNLOAD_PREFIX}). Never
   * throws; an invalid key is {@link UrlSigner.Verdict#INVALID}.
   */
  public UrlSigner.Verdict verifyDownload(String key, String expires, String signature) {
    if (!isValidKey(key)) {
      return UrlSigner.Verdict.INVALID;
    }
    return signer.verify(key, expires, signature);
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can sync a directory; the rename itself is still atomic
      LOG.trace("cannot sync directory {}: {}", dir, e.getMessage());
    }
  }

  /** Creates missing directories owner-only ({@code rwx------}) where the filesystem has modes. */
  private static void createPrivateDirectories(Path dir) throws IOException {
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null
        && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
    } else {
      Files.createDirectories(dir);
    }
  }
}
