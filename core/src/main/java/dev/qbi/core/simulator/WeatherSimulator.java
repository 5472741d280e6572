package dev.qbi.core.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.Defaults;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.PermanentJobFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default business logic, the original's batch simulator: for each job it answers {@code
 * {"weatherData": [...]}} with a fixed number of weather observations (99 by default), each drawn
 * at random from a {@link WeatherDataSet}. The job's payload is not used, except for the triggers
 * below.
 *
 * <p><b>Triggers</b> (for tests and demos of long and failing business logic), top-level fields of
 * a JSON object payload, which may be combined:
 *
 * <ul>
 *   <li>{@value #FAILURE_FIELD} (a string), e.g. {@code {"simulateFailure":"boom"}}: every attempt
 *       throws {@code IllegalStateException("boom")}, so the job ends {@code failed} with that
 *       message;
 *   <li>{@value #DURATION_FIELD} (seconds, 0 to {@value #MAX_DURATION_SECONDS}, fractions allowed):
 *       each attempt first sleeps that long, honouring interruption (a cancel or the job timeout
 *       stops it at once);
 *   <li>{@value #FAILURE_ATTEMPTS_FIELD} (a whole number N, 0 to {@value #MAX_FAILURE_ATTEMPTS}):
 *       attempts 1 to N throw {@code IllegalStateException}, later ones succeed.
 * </ul>
 *
 * A trigger with a value out of range fails the job at once with a {@link PermanentJobFailure}
 * naming it. The payload is parsed only when its bytes contain {@code "simulate}; every other
 * payload takes the fast path untouched.
 *
 * <p>Thread-safe and allocation-light: records are pre-serialized once, so a call picks indices and
 * copies bytes. Randomness is taken per call from {@link ThreadLocalRandom}; nothing random is
 * seeded at class initialization, which keeps the handler safe to snapshot (AWS SnapStart).
 */
public final class WeatherSimulator implements JobHandler {

  public static final int DEFAULT_RECORD_COUNT = 99;
  public static final String CONTENT_TYPE = "application/json";

  /** The payload field that makes {@link #handle} fail with the field's text as the message. */
  public static final String FAILURE_FIELD = "simulateFailure";

  /** The payload field that makes each attempt sleep this many seconds first. */
  public static final String DURATION_FIELD = "simulateDurationSeconds";

  /** The payload field that makes the first N attempts fail. */
  public static final String FAILURE_ATTEMPTS_FIELD = "simulateFailureAttempts";

  /** The longest {@value #DURATION_FIELD}: an hour. */
  public static final long MAX_DURATION_SECONDS = 3600;

  /** The largest {@value #FAILURE_ATTEMPTS_FIELD}. */
  public static final int MAX_FAILURE_ATTEMPTS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(WeatherSimulator.class);
  private static final byte[] PREFIX = "{\"weatherData\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SUFFIX = "]}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TRIGGER_MARKER = "\"simulate".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Supplier<WeatherDataSet> data;
  private final int recordCount;

  /**
   * 99 records per job from the bundled sample data set (the {@link java.util.ServiceLoader}
   * entry).
   */
  public WeatherSimulator() {
    this(DEFAULT_RECORD_COUNT);
  }

  /** {@code recordCount} records per job from the bundled sample data set. */
  public WeatherSimulator(int recordCount) {
    this(WeatherDataSet::bundled, recordCount);
  }

  /** {@code recordCount} records per job drawn from {@code data}. */
  public WeatherSimulator(WeatherDataSet data, int recordCount) {
    this(constant(Objects.requireNonNull(data, "data")), recordCount);
  }

  private WeatherSimulator(Supplier<WeatherDataSet> data, int recordCount) {
    if (recordCount < 1) {
      throw new IllegalArgumentException("recordCount must be >= 1, was " + recordCount);
    }
    this.data = data;
    this.recordCount = recordCount;
  }

  private static Supplier<WeatherDataSet> constant(WeatherDataSet data) {
    return () -> data;
  }

  @Override
  public String name() {
    return Defaults.JOB_HANDLER;
  }

  public int recordCount() {
    return recordCount;
  }

  /**
   * @throws InterruptedException when a {@value #DURATION_FIELD} sleep is interrupted
   * @throws PermanentJobFailure when a trigger's value is out of range
   */
  @Override
  public Output handle(Request request) throws InterruptedException {
    Triggers triggers = triggers(request.payload());
    if (!triggers.duration().isZero()) {
      LOG.debug("job {}: sleeping {} as the payload asks", request.jobId(), triggers.duration());
      Thread.sleep(triggers.duration());
    }
    triggers
        .failure()
        .ifPresent(
            message -> {
              LOG.debug("job {}: failure requested by the payload", request.jobId());
              throw new IllegalStateException(message);
            });
    if (request.attempt() <= triggers.failureAttempts()) {
      throw new IllegalStateException(
          "simulated failure of attempt "
              + request.attempt()
              + " ("
              + FAILURE_ATTEMPTS_FIELD
              + ": "
              + triggers.failureAttempts()
              + ")");
    }
    WeatherDataSet set = data.get();
    byte[] document = generate(set, recordCount, ThreadLocalRandom.current());
    LOG.debug(
        "job {}: {} weather records, {} bytes", request.jobId(), recordCount, document.length);
    return new Output(document, CONTENT_TYPE);
  }

  /**
   * What a payload asks of the simulator.
   *
   * @param failure the message of {@value #FAILURE_FIELD}, when it is a string
   * @param duration how long each attempt sleeps first
   * @param failureAttempts how many first attempts fail
   */
  record Triggers(Optional<String> failure, Duration duration, int failureAttempts) {
    static final Triggers NONE = new Triggers(Optional.empty(), Duration.ZERO, 0);
  }

  /**
   * The triggers of a payload: top-level fields of a JSON object. Parses only when {@code
   * "simulate} occurs in the bytes; a payload that is not a JSON object has none.
   *
   * @throws PermanentJobFailure when {@value #DURATION_FIELD} or {@value #FAILURE_ATTEMPTS_FIELD}
   *     is not a number in its range
   */
  static Triggers triggers(byte[] payload) {
    if (payload == null || indexOf(payload, TRIGGER_MARKER) < 0) {
      return Triggers.NONE;
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(payload);
    } catch (IOException notJson) {
      return Triggers.NONE;
    }
    if (root == null || !root.isObject()) {
      return Triggers.NONE;
    }
    JsonNode failure = root.get(FAILURE_FIELD);
    return new Triggers(
        failure != null && failure.isTextual() ? Optional.of(failure.asText()) : Optional.empty(),
        duration(root.get(DURATION_FIELD)),
        failureAttempts(root.get(FAILURE_ATTEMPTS_FIELD)));
  }

  private static Duration duration(JsonNode field) {
    if (field == null || field.isNull()) {
      return Duration.ZERO;
    }
    double seconds = field.isNumber() ? field.asDouble() : -1;
    if (seconds < 0 || seconds > MAX_DURATION_SECONDS) {
      throw new PermanentJobFailure(
          DURATION_FIELD
              + " must be a number of seconds from 0 to "
              + MAX_DURATION_SECONDS
              + ", was "
              + bounded(field));
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static int failureAttempts(JsonNode field) {
    if (field == null || field.isNull()) {
      return 0;
    }
    if (!field.isIntegralNumber()
        || !field.canConvertToInt()
        || field.asInt() < 0
        || field.asInt() > MAX_FAILURE_ATTEMPTS) {
      throw new PermanentJobFailure(
          FAILURE_ATTEMPTS_FIELD
              + " must be a whole number from 0 to "
              + MAX_FAILURE_ATTEMPTS
              + ", was "
              + bounded(field));
    }
    return field.asInt();
  }

  /** A value as JSON text, cut short: it ends up in the job's error. */
  private static String bounded(JsonNode value) {
    String text = value.toString();
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    int last = haystack.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] generate(WeatherDataSet set, int count, ThreadLocalRandom random) {
    int size = set.size();
    int[] picks = new int[count];
    int length = PREFIX.length + SUFFIX.length + (count - 1);
    for (int i = 0; i < count; i++) {
      picks[i] = random.nextInt(size);
      length += set.fragment(picks[i]).length;
    }
    byte[] out = new byte[length];
    int at = copy(PREFIX, out, 0);
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      at = copy(set.fragment(picks[i]), out, at);
    }
    copy(SUFFIX, out, at);
    return out;
  }

  private static int copy(byte[] from, byte[] to, int at) {
    System.arraycopy(from, 0, to, at, from.length);
    return at + from.length;
  }
}
