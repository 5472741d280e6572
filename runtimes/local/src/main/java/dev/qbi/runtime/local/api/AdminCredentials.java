package dev.qbi.runtime.local.api;

import dev.qbi.adapters.local.files.Secrets;
import dev.qbi.client.AwsCredentials;
import dev.qbi.core.error.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The operator's key pair: {@code <data-dir>/admin-credentials}, written on the server's first
 * start (owner-only, {@code rw-------}) and reused afterwards, as an AWS shared-credentials file
 * ({@code [default]} with {@code aws_access_key_id} and {@code aws_secret_access_key}). So {@code
 * AWS_SHARED_CREDENTIALS_FILE=<data-dir>/admin-credentials} makes the AWS CLI and SDKs sign with
 * it, and {@code ingest signup} reads it. The secret is never logged.
 */
public final class AdminCredentials {
  /** The file's name in the data dir. */
  public static final String FILE = "admin-credentials";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private AdminCredentials() {}

  /** The key pair in {@code dataDir}, created there if it is not yet. */
  public static AwsCredentials loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    Secrets.loadOrCreate(file, () -> generate(file).getBytes(StandardCharsets.UTF_8));
    try {
      return AwsCredentials.fromSharedCredentialsFile(file);
    } catch (IOException e) {
      throw new StorageException("cannot read the admin credentials " + file, e);
    }
  }

  private static String generate(Path file) {
    StringBuilder keyId = new StringBuilder("AKIA");
    for (int i = 0; i < 16; i++) {
      keyId.append(KEY_ID_CHARS[RANDOM.nextInt(KEY_ID_CHARS.length)]);
    }
    byte[] secret = new byte[30];
    RANDOM.nextBytes(secret);
    return "# Admin key pair of the local ingestion server: AdminConfirmSignUp, AdminDeleteUser,\n"
        + "# AdminDisableUser/AdminEnableUser and the /admin routes need requests signed with it\n"
        + "# (AWS Signature Version 4). Use it with\n"
        + "#   AWS_SHARED_CREDENTIALS_FILE="
        + file.toAbsolutePath().normalize()
        + "\n"
        + "[default]\n"
        + "aws_access_key_id = "
        + keyId
        + "\n"
        + "aws_secret_access_key = "
        + Base64.getEncoder().encodeToString(secret)
        + "\n";
  }
}
