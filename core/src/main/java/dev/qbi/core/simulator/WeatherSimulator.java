package dev.qbi.core.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.Defaults;
import dev.qbi.core.port.JobHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default business logic, the original's batch simulator: for each job it answers {@code
 * {"weatherData": [...]}} with a fixed number of weather observations (99 by default), each drawn
 * at random from a {@link WeatherDataSet}. The job's payload is not used, with one exception:
 *
 * <p><b>Failure trigger</b> (for end-to-end tests of failing business logic): a payload that is a
 * JSON object with a string field {@value #FAILURE_FIELD}, e.g. {@code {"simulateFailure":"boom"}},
 * makes {@link #handle} throw {@code IllegalStateException("boom")} on every attempt, so the job
 * ends {@code failed} with that message. The payload is parsed only when its bytes contain the
 * field name; every other payload takes the fast path untouched.
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

  private static final Logger LOG = LoggerFactory.getLogger(WeatherSimulator.class);
  private static final byte[] PREFIX = "{\"weatherData\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SUFFIX = "]}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FAILURE_MARKER =
      ("\"" + FAILURE_FIELD + "\"").getBytes(StandardCharsets.UTF_8);
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

  @Override
  public Output handle(Request request) {
    requestedFailure(request.payload())
        .ifPresent(
            message -> {
              LOG.debug("job {}: failure requested by the payload", request.jobId());
              throw new IllegalStateException(message);
            });
    WeatherDataSet set = data.get();
    byte[] document = generate(set, recordCount, ThreadLocalRandom.current());
    LOG.debug(
        "job {}: {} weather records, {} bytes", request.jobId(), recordCount, document.length);
    return new Output(document, CONTENT_TYPE);
  }

  /**
   * The message of a requested failure: the string value of the top-level {@value #FAILURE_FIELD}
   * field of a JSON object payload. Parses only when the field name occurs in the bytes.
   */
  static Optional<String> requestedFailure(byte[] payload) {
    if (payload == null || indexOf(payload, FAILURE_MARKER) < 0) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(payload);
    } catch (IOException notJson) {
      return Optional.empty();
    }
    if (root == null || !root.isObject()) {
      return Optional.empty();
    }
    JsonNode field = root.get(FAILURE_FIELD);
    return field != null && field.isTextual() ? Optional.of(field.asText()) : Optional.empty();
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
