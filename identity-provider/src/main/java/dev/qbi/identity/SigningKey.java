package dev.qbi.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.qbi.adapters.local.files.Secrets;
import dev.qbi.core.error.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Set;

/**
 * The pool's RSA-2048 signing key, kept as a private JWK in {@code keys/signing-key.json} under the
 * data dir (file {@code rw-------}, directory {@code rwx------}). Its {@code kid} is the key's RFC
 * 7638 thumbprint, so it stays the same across restarts.
 */
final class SigningKey {
  static final String FILE = "keys/signing-key.json";
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");

  private SigningKey() {}

  static RSAKey loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    byte[] json = Secrets.loadOrCreate(file, SigningKey::generate);
    restrictDirectory(file.toAbsolutePath().getParent());
    try {
      RSAKey key = RSAKey.parse(new String(json, StandardCharsets.UTF_8));
      if (!key.isPrivate() || key.getKeyID() == null || key.size() < 2048) {
        throw new StorageException("signing key file " + file + " holds no usable RSA key");
      }
      return key;
    } catch (ParseException e) {
      throw new StorageException("signing key file " + file + " is not a JWK", e);
    }
  }

  private static byte[] generate() {
    try {
      RSAKey key =
          new RSAKeyGenerator(2048)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .keyIDFromThumbprint(true)
              .generate();
      return key.toJSONString().getBytes(StandardCharsets.UTF_8);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  private static void restrictDirectory(Path dir) {
    try {
      if (dir != null && Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
        if (!Files.getPosixFilePermissions(dir).equals(OWNER_DIR)) {
          Files.setPosixFilePermissions(dir, OWNER_DIR);
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot restrict permissions of " + dir, e);
    }
  }
}
