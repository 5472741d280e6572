package dev.qbi.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An AWS access key pair, for signing requests with {@link SigV4Signer}. {@link #toString} never
 * shows the secret.
 *
 * @param accessKeyId the access key id ({@code aws_access_key_id})
 * @param secretAccessKey the secret access key ({@code aws_secret_access_key})
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey) {
  /** The profile of a shared-credentials file used when none is named. */
  public static final String DEFAULT_PROFILE = "default";

  public AwsCredentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("access key id and secret must not be blank");
    }
  }

  /** The {@code [default]} profile of an AWS shared-credentials file. */
  public static AwsCredentials fromSharedCredentialsFile(Path file) throws IOException {
    return fromSharedCredentialsFile(file, DEFAULT_PROFILE);
  }

  /**
   * The keys of {@code profile} in an AWS shared-credentials file (INI: {@code [profile]} sections
   * with {@code aws_access_key_id} and {@code aws_secret_access_key}; {@code #} and {@code ;} start
   * comments).
   *
   * @throws IOException when the file cannot be read or lacks the profile or one of its keys
   */
  public static AwsCredentials fromSharedCredentialsFile(Path file, String profile)
      throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, String> section = null;
    Map<String, Map<String, String>> sections = new HashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        String name = line.substring(1, line.length() - 1).strip();
        section = sections.computeIfAbsent(name, k -> new HashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (section != null && eq > 0) {
        section.put(
            line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
      }
    }
    Map<String, String> keys = sections.get(profile);
    if (keys == null) {
      throw new IOException("no [" + profile + "] profile in " + file);
    }
    String id = keys.get("aws_access_key_id");
    String secret = keys.get("aws_secret_access_key");
    if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
      throw new IOException(
          "profile ["
              + profile
              + "] of "
              + file
              + " lacks aws_access_key_id or"
              + " aws_secret_access_key");
    }
    return new AwsCredentials(id, secret);
  }

  @Override
  public String toString() {
    return "AwsCredentials[" + accessKeyId + ", secret hidden]";
  }
}
