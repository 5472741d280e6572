package dev.qbi.runtime.local.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters the API updates; the workers' are in the worker pool. */
public final class ApiMetrics {
  private final Counter submitted;
  private final Counter downloads;
  private final Counter cancelRequests;

  public ApiMetrics(MeterRegistry registry) {
    this.submitted =
        Counter.builder("ingest.jobs.submitted").description("Jobs accepted").register(registry);
    this.downloads =
        Counter.builder("ingest.downloads").description("Outputs downloaded").register(registry);
    this.cancelRequests =
        Counter.builder("ingest.jobs.cancel.requests")
            .description("Jobs cancelled, or asked to stop, by their owner")
            .register(registry);
  }

  void submitted() {
    submitted.increment();
  }

  void cancelRequested() {
    cancelRequests.increment();
  }

  void downloaded() {
    downloads.increment();
  }
}
