package dev.qbi.runtime.local;

import dev.qbi.runtime.local.api.HttpMetricsFilter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The meters behind {@code GET /metrics}: JVM (memory, GC, threads, classes, CPU, uptime, file
 * descriptors), the queue (depth, age of its oldest message), the dead letters, and latency buckets
 * for the job-processing timer; the API's and workers' own meters register on the same registry,
 * and {@link HttpMetricsFilter} adds {@code http.server.requests}. docs/grafana-dashboard.json
 * charts them.
 */
final class ServerMetrics implements AutoCloseable {
  /** The worker pool's timer of one delivery, given latency buckets here. */
  static final String PROCESSING_TIMER = "ingest.jobs.processing";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  /** The counter of handler runs (every start of the business logic, on any delivery). */
  static final String HANDLER_RUNS = "ingest.jobs.handler.runs";

  /** The counter of handler runs on a redelivered message (attempt 2 and later). */
  static final String HANDLER_RERUNS = "ingest.jobs.handler.reruns";

  ServerMetrics(Backend backend, Clock clock) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(bucketsFor(PROCESSING_TIMER));

    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);

    // gauges hold what they read strongly: a weakly held reader would read NaN once collected
    Gauge.builder("ingest.queue.depth", backend, b -> b.queue().depth())
        .description("Messages waiting or in flight")
        .strongReference(true)
        .register(registry);
    if (backend.knowsOldestMessage()) {
      TimeGauge.builder(
              "ingest.queue.oldest.age",
              backend,
              TimeUnit.SECONDS,
              b ->
                  b.oldestMessageSentAt()
                      .map(t -> Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1e3))
                      .orElse(0.0))
          .description("Age of the oldest message in the queue (waiting, leased or to be retried)")
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("ingest.dead.letters", backend, b -> b.deadLetters().depth())
        .description("Messages in the dead-letter table (queue, with --backend aws)")
        .strongReference(true)
        .register(registry);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Gives the timer {@code name} the latency buckets of {@link HttpMetricsFilter#BUCKETS}. */
  private static MeterFilter bucketsFor(String name) {
    double[] nanos =
        Arrays.stream(HttpMetricsFilter.BUCKETS).mapToDouble(d -> (double) d.toNanos()).toArray();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(name)) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(nanos)
            .build()
            .merge(config);
      }
    };
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
