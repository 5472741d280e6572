package dev.qbi.core.job;

import dev.qbi.core.error.InvalidRequestException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** A job's identity: a lowercase, 36-character UUID (it is also the queue message id). */
public record JobId(UUID value) {

  private static final Pattern CANONICAL =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public JobId {
    if (value == null) {
      throw new IllegalArgumentException("job id is required");
    }
  }

  /**
   * A new random (version 4) id, unguessable: 122 bits from a cryptographic generator. The
   * generators are striped so concurrent submits do not queue on one lock (as they do on the shared
   * generator behind {@link UUID#randomUUID()}).
   */
  public static JobId random() {
    byte[] b = new byte[16];
    SecureRandom random = RANDOMS[ThreadLocalRandom.current().nextInt(RANDOMS.length)];
    synchronized (random) {
      random.nextBytes(b);
    }
    b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (b[i] & 0xff);
      lsb = (lsb << 8) | (b[i + 8] & 0xff);
    }
    return new JobId(new UUID(msb, lsb));
  }

  private static final SecureRandom[] RANDOMS = newRandoms(16);

  private static SecureRandom[] newRandoms(int n) {
    SecureRandom[] out = new SecureRandom[n];
    for (int i = 0; i < n; i++) {
      try {
        out[i] = SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        out[i] = new SecureRandom();
      }
    }
    return out;
  }

  /**
   * Parses the canonical 8-4-4-4-12 hex form (either case).
   *
   * @throws InvalidRequestException when {@code text} is not a UUID
   */
  public static JobId parse(String text) {
    if (text == null || !CANONICAL.matcher(text).matches()) {
      throw new InvalidRequestException("Job Id must be a UUID");
    }
    return new JobId(UUID.fromString(text));
  }

  @Override
  public String toString() {
    return value.toString().toLowerCase(Locale.ROOT);
  }
}
