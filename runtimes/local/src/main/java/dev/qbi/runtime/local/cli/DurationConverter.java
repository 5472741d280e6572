package dev.qbi.runtime.local.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Every duration option of the {@code ingest} commands: short forms ({@code 500ms}, {@code 30s},
 * {@code 10m}, {@code 1h}, {@code 2d}, and sums such as {@code 1h30m}) as well as ISO-8601 ({@code
 * PT1H}, {@code P2D}). Registered once on the command line, it applies to every {@link Duration}
 * option of every subcommand.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SHORT = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * The duration {@code text} stands for.
   *
   * @throws CommandLine.TypeConversionException with a one-line explanation when it is not a
   *     duration or is negative
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Duration d;
    if (t.startsWith("p") || t.startsWith("-p")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    } else if (SHORT.matcher(t).matches()) {
      d = Duration.ZERO;
      Matcher part = PART.matcher(t);
      try {
        while (part.find()) {
          d = d.plus(unit(Long.parseLong(part.group(1)), part.group(2)));
        }
      } catch (ArithmeticException | NumberFormatException e) {
        throw invalid(text);
      }
    } else {
      throw invalid(text);
    }
    if (d.isNegative()) {
      throw new CommandLine.TypeConversionException("'" + text + "' is negative");
    }
    return d;
  }

  private static Duration unit(long n, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static CommandLine.TypeConversionException invalid(String text) {
    return new CommandLine.TypeConversionException(
        "'" + text + "' is not a duration: use e.g. 500ms, 30s, 10m, 1h, 2d or ISO-8601 (PT1H)");
  }
}
