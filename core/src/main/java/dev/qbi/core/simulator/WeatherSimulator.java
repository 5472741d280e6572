package dev.qbi.core.simulator;

import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default business logic, the original's batch simulator: for each job it answers {@code
 * {"weatherData": [...]}} with a fixed number of weather observations (99 by default), each drawn
 * at random from a {@link WeatherDataSet}. The job's payload is not used.
 *
 * <p>Thread-safe and allocation-light: records are pre-serialized once, so a call picks indices and
 * copies bytes. Randomness is taken per call from {@link ThreadLocalRandom}; nothing random is
 * seeded at class initialization, which keeps the handler safe to snapshot (AWS SnapStart).
 */
public final class WeatherSimulator implements JobHandler {

  public static final int DEFAULT_RECORD_COUNT = 99;
  public static final String CONTENT_TYPE = "application/json";

  private static final Logger LOG = LoggerFactory.getLogger(WeatherSimulator.class);
  private static final byte[] PREFIX = "{\"weatherData\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SUFFIX = "]}".getBytes(StandardCharsets.UTF_8);

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
    return JobHandlers.DEFAULT;
  }

  public int recordCount() {
    return recordCount;
  }

  @Override
  public Output handle(Request request) {
    WeatherDataSet set = data.get();
    byte[] document = generate(set, recordCount, ThreadLocalRandom.current());
    LOG.debug(
        "job {}: {} weather records, {} bytes", request.jobId(), recordCount, document.length);
    return new Output(document, CONTENT_TYPE);
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
