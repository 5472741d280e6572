package dev.qbi.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.error.StorageException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The user pool's own SQLite file ({@code identity.db}, owner-only): users and refresh-token hashes
 * ({@link IdentitySchema}). One connection, used under a lock; identity traffic is light, and the
 * slow work (password hashing) happens outside the lock, on the {@link HashingPool}. Users are
 * found by their {@linkplain Usernames normalised} name.
 */
final class IdentityStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> ATTRIBUTES =
      new TypeReference<>() {};
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * A stored user. Times are instants; {@code lockedUntil} is {@link Instant#EPOCH} if never. A
   * user that is not {@code enabled} cannot log in, and its tokens are refused.
   */
  record User(
      String username,
      String sub,
      Map<String, String> attributes,
      String passwordHash,
      boolean confirmed,
      String codeHash,
      Instant codeExpiresAt,
      int failedAttempts,
      Instant lockedUntil,
      boolean enabled) {}

  /** A stored refresh token (its hash only). */
  record RefreshToken(
      String sub, String clientId, Instant authTime, Instant expiresAt, boolean revoked) {}

  private IdentityStore(Connection connection) {
    this.connection = connection;
  }

  static IdentityStore open(Path file) {
    try {
      createOwnerOnly(file);
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try {
        IdentitySchema.apply(c);
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
      return new IdentityStore(c);
    } catch (SQLException | IOException e) {
      throw new StorageException("cannot open identity database " + file, e);
    }
  }

  /** Adds a user; false when its username (normalised) is taken. */
  boolean insertUser(User u, Instant now) {
    String key = Usernames.normalize(u.username());
    return write(
            """
        INSERT INTO users (username, sub, attributes, password_hash, confirmed, code_hash,
                           code_expires_at, failed_attempts, locked_until, created_at, updated_at,
                           username_key, enabled)
        SELECT ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?
        WHERE NOT EXISTS (SELECT 1 FROM users WHERE username_key = ?)
        ON CONFLICT (username) DO NOTHING""",
            ps -> {
              ps.setString(1, key);
              ps.setString(2, u.sub());
              ps.setString(3, toJson(u.attributes()));
              ps.setString(4, u.passwordHash());
              ps.setInt(5, u.confirmed() ? 1 : 0);
              ps.setString(6, u.codeHash());
              ps.setObject(7, u.codeExpiresAt() == null ? null : u.codeExpiresAt().toEpochMilli());
              ps.setLong(8, now.toEpochMilli());
              ps.setLong(9, now.toEpochMilli());
              ps.setString(10, key);
              ps.setInt(11, u.enabled() ? 1 : 0);
              ps.setString(12, key);
            })
        == 1;
  }

  /**
   * The user named {@code username} once normalised (of two older rows that normalise alike, the
   * first created).
   */
  Optional<User> findByUsername(String username) {
    return findUser(
        "SELECT * FROM users WHERE username_key = ? ORDER BY created_at, rowid LIMIT 1",
        Usernames.normalize(username));
  }

  Optional<User> findBySub(String sub) {
    return findUser("SELECT * FROM users WHERE sub = ?", sub);
  }

  /** Marks the user confirmed and clears its code; false if it was gone or already confirmed. */
  boolean confirm(String sub, Map<String, String> attributes, Instant now) {
    return write(
            """
            UPDATE users SET confirmed = 1, code_hash = NULL, code_expires_at = NULL,
                             failed_attempts = 0, locked_until = 0, attributes = ?, updated_at = ?
            WHERE sub = ? AND confirmed = 0""",
            ps -> {
              ps.setString(1, toJson(attributes));
              ps.setLong(2, now.toEpochMilli());
              ps.setString(3, sub);
            })
        == 1;
  }

  /**
   * Counts an attempt against the user before it is checked, so that parallel guesses cannot outrun
   * the lock: the attempt that reaches the limit sets the lock; a success clears both.
   *
   * @return the user's state before this attempt, or empty if the user is gone
   */
  Optional<User> beginAttempt(String sub, Instant now, LockPolicy policy) {
    lock.lock();
    try {
      Optional<User> user = findBySub(sub);
      if (user.isEmpty() || user.get().lockedUntil().isAfter(now)) {
        return user;
      }
      int n = user.get().failedAttempts() + 1;
      Instant lockedUntil = policy.lockUntil(n, now);
      write(
          "UPDATE users SET failed_attempts = ?, locked_until = ?, updated_at = ? WHERE sub = ?",
          ps -> {
            ps.setInt(1, n);
            ps.setLong(2, lockedUntil.toEpochMilli());
            ps.setLong(3, now.toEpochMilli());
            ps.setString(4, sub);
          });
      return user;
    } finally {
      lock.unlock();
    }
  }

  /** Enables or disables the user; false if it is gone. */
  boolean setEnabled(String sub, boolean enabled, Instant now) {
    return write(
            "UPDATE users SET enabled = ?, updated_at = ? WHERE sub = ?",
            ps -> {
              ps.setInt(1, enabled ? 1 : 0);
              ps.setLong(2, now.toEpochMilli());
              ps.setString(3, sub);
            })
        == 1;
  }

  /**
   * Counts a refused login that touched no user row (unknown or locked user): the same durable
   * write a wrong password costs, so the answer takes as long.
   */
  void countRefusedLogin(String counter) {
    write(
        "INSERT INTO counters (name, value) VALUES (?, 1)"
            + " ON CONFLICT (name) DO UPDATE SET value = value + 1",
        ps -> ps.setString(1, counter));
  }

  /** A successful attempt: no failures on record, no lock. */
  void clearAttempts(String sub, Instant now) {
    write(
        "UPDATE users SET failed_attempts = 0, locked_until = 0, updated_at = ? WHERE sub = ?",
        ps -> {
          ps.setLong(1, now.toEpochMilli());
          ps.setString(2, sub);
        });
  }

  /** Deletes the user and revokes its refresh tokens, in one transaction; false if unknown. */
  boolean deleteUser(String sub, Instant now) {
    lock.lock();
    try {
      connection.setAutoCommit(false);
      try {
        int deleted;
        try (PreparedStatement ps =
            connection.prepareStatement("DELETE FROM users WHERE sub = ?")) {
          ps.setString(1, sub);
          deleted = ps.executeUpdate();
        }
        try (PreparedStatement ps =
            connection.prepareStatement(
                "UPDATE refresh_tokens SET revoked_at = ? WHERE sub = ? AND revoked_at IS NULL")) {
          ps.setLong(1, now.toEpochMilli());
          ps.setString(2, sub);
          ps.executeUpdate();
        }
        connection.commit();
        return deleted == 1;
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StorageException("cannot delete user", e);
    } finally {
      lock.unlock();
    }
  }

  void insertRefreshToken(
      String tokenHash,
      String sub,
      String clientId,
      Instant authTime,
      Instant issuedAt,
      Instant expiresAt) {
    write(
        """
        INSERT INTO refresh_tokens (token_hash, sub, client_id, auth_time, issued_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?)""",
        ps -> {
          ps.setString(1, tokenHash);
          ps.setString(2, sub);
          ps.setString(3, clientId);
          ps.setLong(4, authTime.toEpochMilli());
          ps.setLong(5, issuedAt.toEpochMilli());
          ps.setLong(6, expiresAt.toEpochMilli());
        });
  }

  Optional<RefreshToken> findRefreshToken(String tokenHash) {
    lock.lock();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT sub, client_id, auth_time, expires_at, revoked_at FROM refresh_tokens"
                + " WHERE token_hash = ?")) {
      ps.setString(1, tokenHash);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        rs.getLong("revoked_at");
        boolean revoked = !rs.wasNull();
        return Optional.of(
            new RefreshToken(
                rs.getString("sub"),
                rs.getString("client_id"),
                Instant.ofEpochMilli(rs.getLong("auth_time")),
                Instant.ofEpochMilli(rs.getLong("expires_at")),
                revoked));
      }
    } catch (SQLException e) {
      throw new StorageException("cannot read refresh token", e);
    } finally {
      lock.unlock();
    }
  }

  /** Forgets refresh tokens that expired or were revoked before {@code before}. */
  int purgeRefreshTokens(Instant before) {
    return write(
        "DELETE FROM refresh_tokens WHERE expires_at < ? OR revoked_at < ?",
        ps -> {
          ps.setLong(1, before.toEpochMilli());
          ps.setLong(2, before.toEpochMilli());
        });
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StorageException("cannot close identity database", e);
    } finally {
      lock.unlock();
    }
  }

  /** When a user that failed {@code n} times in a row is locked until (EPOCH = not locked). */
  @FunctionalInterface
  interface LockPolicy {
    Instant lockUntil(int failures, Instant now);
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private int write(String sql, Binder binder) {
    lock.lock();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StorageException("identity database write failed", e);
    } finally {
      lock.unlock();
    }
  }

  private Optional<User> findUser(String sql, String key) {
    lock.lock();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long codeExpires = rs.getLong("code_expires_at");
        Instant codeExpiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(codeExpires);
        return Optional.of(
            new User(
                rs.getString("username"),
                rs.getString("sub"),
                fromJson(rs.getString("attributes")),
                rs.getString("password_hash"),
                rs.getInt("confirmed") == 1,
                rs.getString("code_hash"),
                codeExpiresAt,
                rs.getInt("failed_attempts"),
                Instant.ofEpochMilli(rs.getLong("locked_until")),
                rs.getInt("enabled") == 1));
      }
    } catch (SQLException e) {
      throw new StorageException("identity database read failed", e);
    } finally {
      lock.unlock();
    }
  }

  private static String toJson(Map<String, String> attributes) {
    try {
      return JSON.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode attributes", e);
    }
  }

  private static Map<String, String> fromJson(String json) {
    try {
      return JSON.readValue(json, ATTRIBUTES);
    } catch (JsonProcessingException e) {
      throw new StorageException("stored user attributes are not JSON", e);
    }
  }

  private static void createOwnerOnly(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    boolean posix =
        Files.getFileAttributeView(dir == null ? file : dir, PosixFileAttributeView.class) != null;
    if (posix) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
      } catch (FileAlreadyExistsException e) {
        if (!Files.getPosixFilePermissions(file).equals(OWNER_FILE)) {
          Files.setPosixFilePermissions(file, OWNER_FILE);
        }
      }
    }
  }
}
