package dev.qbi.core.job;

import dev.qbi.core.error.InvalidRequestException;
import java.util.Locale;
import java.util.UUID;
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

  public static JobId random() {
    return new JobId(UUID.randomUUID());
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
