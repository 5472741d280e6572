package dev.qbi.core.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The weather observations the simulator draws from, each also kept pre-serialized as a JSON object
 * so that building an output document is only copying bytes.
 *
 * <p>Lines are {@code station|geoLocation|localTime|conditions|temperature|pressure|humidity};
 * blank lines are skipped. Any other malformed line is rejected with its line number: the bundled
 * file is checked by a test, so a bad line is a build-time bug, never a runtime surprise.
 */
public final class WeatherDataSet {

  /** The class-path location of the bundled sample data set. */
  public static final String BUNDLED_RESOURCE = "/simulator/weather_sample_data.dat";

  private static final int FIELDS = 7;
  private static final JsonFactory JSON = new JsonFactory();

  private final List<WeatherObservation> observations;
  private final byte[][] fragments;

  private WeatherDataSet(List<WeatherObservation> observations) {
    if (observations.isEmpty()) {
      throw new IllegalArgumentException("a weather data set needs at least one observation");
    }
    this.observations = List.copyOf(observations);
    this.fragments = new byte[observations.size()][];
    for (int i = 0; i < fragments.length; i++) {
      fragments[i] = toJson(observations.get(i));
    }
  }

  /** The bundled sample data set, loaded and parsed once, on first use, thread-safely. */
  public static WeatherDataSet bundled() {
    return Bundled.INSTANCE;
  }

  /** A data set of the given observations (at least one). */
  public static WeatherDataSet of(List<WeatherObservation> observations) {
    return new WeatherDataSet(Objects.requireNonNull(observations, "observations"));
  }

  /**
   * Parses data-set text.
   *
   * @param source names the text in error messages (e.g. the resource path)
   * @throws IllegalArgumentException naming the source and line of the first malformed line, or
   *     when there is no observation at all
   */
  public static WeatherDataSet parse(String source, String text) {
    List<WeatherObservation> parsed = new ArrayList<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        parsed.add(parseLine(line));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": " + e.getMessage() + " in: " + line, e);
      }
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException(source + " holds no weather observation");
    }
    return new WeatherDataSet(parsed);
  }

  /**
   * Parses one line.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static WeatherObservation parseLine(String line) {
    String[] f = line.split("\\|", -1);
    if (f.length != FIELDS) {
      throw new IllegalArgumentException(
          "expected " + FIELDS + " '|'-separated fields, found " + f.length);
    }
    for (int i = 0; i < FIELDS; i++) {
      f[i] = f[i].strip();
      if (f[i].isEmpty()) {
        throw new IllegalArgumentException("field " + (i + 1) + " is empty");
      }
    }
    checkGeoLocation(f[1]);
    try {
      OffsetDateTime.parse(f[2]);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("localTime is not an ISO-8601 date-time with offset", e);
    }
    double temperature = number("temperature", f[4], -90, 60);
    double pressure = number("pressure", f[5], 850, 1090);
    double humidity = number("humidity", f[6], 0, 100);
    if (humidity != Math.rint(humidity)) {
      throw new IllegalArgumentException("humidity must be a whole percentage");
    }
    return new WeatherObservation(f[0], f[1], f[2], f[3], temperature, pressure, (int) humidity);
  }

  private static void checkGeoLocation(String text) {
    String[] parts = text.split(",", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("geoLocation must be 'latitude,longitude'");
    }
    number("latitude", parts[0].strip(), -90, 90);
    number("longitude", parts[1].strip(), -180, 180);
  }

  private static double number(String what, String text, double min, double max) {
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is not a number", e);
    }
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(what + " " + text + " is outside " + min + ".." + max);
    }
    return value;
  }

  public List<WeatherObservation> observations() {
    return observations;
  }

  public int size() {
    return fragments.length;
  }

  /** The observation at {@code index} as a UTF-8 JSON object; callers must not modify it. */
  byte[] fragment(int index) {
    return fragments[index];
  }

  private static byte[] toJson(WeatherObservation o) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("station", o.station());
      g.writeStringField("geoLocation", o.geoLocation());
      g.writeStringField("localTime", o.localTime());
      g.writeStringField("conditions", o.conditions());
      g.writeNumberField("temperature", o.temperature());
      g.writeNumberField("pressure", o.pressure());
      g.writeNumberField("humidity", o.humidity());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize a weather observation", e);
    }
    return out.toByteArray();
  }

  /** Initialization-on-demand holder: the JVM loads the resource once, on first use. */
  private static final class Bundled {
    static final WeatherDataSet INSTANCE = load();

    private static WeatherDataSet load() {
      try (InputStream in = WeatherDataSet.class.getResourceAsStream(BUNDLED_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(
              "weather sample data " + BUNDLED_RESOURCE + " is missing from the class path");
        }
        return parse(BUNDLED_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + BUNDLED_RESOURCE, e);
      }
    }
  }
}
