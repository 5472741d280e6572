package dev.qbi.runtime.lambda;

import dev.qbi.core.job.Decision;
import java.util.HashMap;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Job outcomes as CloudWatch EMF metrics through Powertools' functional API: {@code JobsCompleted},
 * {@code JobsFailed}, {@code JobsRetried} (failed attempts, and deliveries that found the job taken
 * by another), {@code JobsDuplicate} (redeliveries of finished jobs), {@code JobsCancelled}, {@code
 * MessagesErrored} (processing threw) and {@code MessagesDeferred} (not started: the invocation was
 * near its end), in the namespace of {@code POWERTOOLS_METRICS_NAMESPACE} with the {@code service}
 * dimension of {@code POWERTOOLS_SERVICE_NAME}. All seven are published every invocation, zeros
 * included, so graphs and alarms see a continuous series.
 */
final class PowertoolsJobMetrics implements JobMetrics {

  static final String COMPLETED = "JobsCompleted";
  static final String FAILED = "JobsFailed";
  static final String RETRIED = "JobsRetried";
  static final String DUPLICATE = "JobsDuplicate";
  static final String ERRORED = "MessagesErrored";
  static final String CANCELLED = "JobsCancelled";
  static final String DEFERRED = "MessagesDeferred";

  private final Metrics metrics;
  private final Map<String, Integer> counts = new HashMap<>();
  private int errored;
  private int deferred;

  PowertoolsJobMetrics() {
    this(MetricsFactory.getMetricsInstance());
  }

  PowertoolsJobMetrics(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public synchronized void record(Decision decision) {
    if (decision == null) {
      errored++;
    } else {
      counts.merge(decision.label(), 1, Integer::sum);
    }
  }

  @Override
  public synchronized void deferred(int messages) {
    deferred += messages;
  }

  @Override
  public synchronized void flush() {
    metrics.addMetric(COMPLETED, count("completed"), MetricUnit.COUNT);
    metrics.addMetric(FAILED, count("failed"), MetricUnit.COUNT);
    metrics.addMetric(RETRIED, count("retry_scheduled") + count("contended"), MetricUnit.COUNT);
    metrics.addMetric(DUPLICATE, count("already_done"), MetricUnit.COUNT);
    metrics.addMetric(CANCELLED, count("cancelled"), MetricUnit.COUNT);
    metrics.addMetric(ERRORED, errored, MetricUnit.COUNT);
    metrics.addMetric(DEFERRED, deferred, MetricUnit.COUNT);
    metrics.flush();
    counts.clear();
    errored = 0;
    deferred = 0;
  }

  private int count(String label) {
    return counts.getOrDefault(label, 0);
  }
}
