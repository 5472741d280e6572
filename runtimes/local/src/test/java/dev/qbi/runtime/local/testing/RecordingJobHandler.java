package dev.qbi.runtime.local.testing;

import dev.qbi.core.port.JobHandler;
import dev.qbi.core.simulator.WeatherSimulator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The weather simulator (with its payload triggers), recording per job how often it ran, how often
 * it was interrupted, and whether it is running now: tests see the business logic start and stop.
 */
public final class RecordingJobHandler implements JobHandler {
  public static final String NAME = "recording-simulator";

  private static final Map<String, Record> RECORDS = new ConcurrentHashMap<>();

  private final WeatherSimulator simulator = new WeatherSimulator(3);

  private record Record(AtomicInteger runs, AtomicInteger interrupted, AtomicInteger ended) {
    Record() {
      this(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
    }
  }

  private static Record of(String jobId) {
    return RECORDS.computeIfAbsent(jobId, id -> new Record());
  }

  /** How many times the handler started on this job. */
  public static int runs(String jobId) {
    return of(jobId).runs().get();
  }

  /** How many of its runs ended with an {@link InterruptedException}. */
  public static int interrupted(String jobId) {
    return of(jobId).interrupted().get();
  }

  /** True while a run on this job has started and not yet ended. */
  public static boolean running(String jobId) {
    Record r = of(jobId);
    return r.runs().get() > r.ended().get();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Output handle(Request request) throws Exception {
    Record r = of(request.jobId().toString());
    r.runs().incrementAndGet();
    try {
      return simulator.handle(request);
    } catch (InterruptedException e) {
      r.interrupted().incrementAndGet();
      throw e;
    } finally {
      r.ended().incrementAndGet();
    }
  }
}
