package dev.qbi.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code jobs} authenticated submits from {@code concurrency} clients, each a virtual thread that
 * sends one request at a time and takes the next job number until all are sent or the deadline
 * passes. Records every accepted job id, every 200's response time, and every error by kind.
 */
final class SubmitLoad {
  private SubmitLoad() {}

  /**
   * What the submit phase did.
   *
   * @param jobIds the ids of the accepted (200) submits
   * @param responseNanos the response time of each accepted submit
   * @param errors error counts by kind ({@code HTTP 503}, an exception's class name, …)
   * @param attempted submits sent (fewer than asked when the deadline passed)
   * @param startedAt wall-clock time just before the first submit
   * @param wallNanos from just before the first submit to the last answer
   * @param timedOut whether the deadline stopped the phase before every submit was sent
   */
  record Result(
      List<String> jobIds,
      long[] responseNanos,
      Map<String, Long> errors,
      int attempted,
      Instant startedAt,
      long wallNanos,
      boolean timedOut) {

    int accepted() {
      return jobIds.size();
    }

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    double perSecond() {
      return wallNanos <= 0 ? 0 : accepted() / (wallNanos / 1e9);
    }
  }

  /**
   * Runs the phase; returns when every client has stopped.
   *
   * @param base the API's base URI
   * @param token the IdToken every submit carries
   * @param deadlineNanos a {@link System#nanoTime()} after which no further submit is sent
   */
  static Result run(
      URI base, String token, int jobs, int concurrency, String bodyPrefix, long deadlineNanos)
      throws InterruptedException {
    AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(jobs);
    AtomicLongArray nanos = new AtomicLongArray(jobs);
    AtomicInteger nextJob = new AtomicInteger();
    AtomicInteger attempted = new AtomicInteger();
    AtomicBoolean timedOut = new AtomicBoolean();
    Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < Math.min(concurrency, jobs); c++) {
        clients.execute(
            () -> {
              try (SubmitConnection connection = new SubmitConnection(base, token)) {
                while (!Thread.currentThread().isInterrupted()) {
                  if (System.nanoTime() - deadlineNanos > 0) {
                    timedOut.set(true);
                    return;
                  }
                  int i = nextJob.getAndIncrement();
                  if (i >= jobs) {
                    return;
                  }
                  attempted.incrementAndGet();
                  String body = "{\"testMessagePayload\":\"" + bodyPrefix + "-" + i + "\"}";
                  long t0 = System.nanoTime();
                  try {
                    SubmitConnection.Submitted answer = connection.submit(body);
                    long took = System.nanoTime() - t0;
                    Optional<String> id = answer.jobId();
                    if (id.isPresent()) {
                      nanos.set(i, took);
                      ids.set(i, id.get());
                    } else {
                      String kind =
                          answer.status() == 200
                              ? "HTTP 200 without a MessageId"
                              : "HTTP " + answer.status();
                      errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
                    }
                  } catch (IOException e) {
                    connection.reset(); // a fresh connection for the next submit
                    errors
                        .computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder())
                        .increment();
                  }
                }
              }
            });
      }
    }
    long wall = System.nanoTime() - start;
    if (Thread.interrupted()) {
      throw new InterruptedException("submit phase interrupted");
    }

    List<String> accepted = new ArrayList<>(jobs);
    List<Long> times = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      String id = ids.get(i);
      if (id != null) {
        accepted.add(id);
        times.add(nanos.get(i));
      }
    }
    Map<String, Long> errorCounts = new TreeMap<>();
    errors.forEach((kind, count) -> errorCounts.put(kind, count.sum()));
    return new Result(
        List.copyOf(accepted),
        times.stream().mapToLong(Long::longValue).toArray(),
        Collections.unmodifiableMap(errorCounts),
        attempted.get(),
        startedAt,
        wall,
        timedOut.get());
  }
}
