package dev.qbi.runtime.lambda;

import dev.qbi.core.usecase.ProcessJob;
import java.util.EnumMap;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Job outcomes as CloudWatch EMF metrics through Powertools' functional API: {@code JobsCompleted},
 * {@code JobsFailed}, {@code JobsRetried}, {@code JobsDuplicate} (redeliveries of finished jobs)
 * and {@code MessagesErrored} (processing threw), in the namespace of {@code
 * POWERTOOLS_METRICS_NAMESPACE} with the {@code service} dimension of {@code
 * POWERTOOLS_SERVICE_NAME}. All five are published every invocation, zeros included, so graphs and
 * alarms see a continuous series.
 */
final class PowertoolsJobMetrics implements JobMetrics {

  static final String COMPLETED = "JobsCompleted";
  static final String FAILED = "JobsFailed";
  static final String RETRIED = "JobsRetried";
  static final String DUPLICATE = "JobsDuplicate";
  static final String ERRORED = "MessagesErrored";

  private final Metrics metrics;
  private final Map<ProcessJob.Outcome, Integer> counts = new EnumMap<>(ProcessJob.Outcome.class);
  private int errored;

  PowertoolsJobMetrics() {
    this(MetricsFactory.getMetricsInstance());
  }

  PowertoolsJobMetrics(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public synchronized void record(ProcessJob.Outcome outcome) {
    if (outcome == null) {
      errored++;
    } else {
      counts.merge(outcome, 1, Integer::sum);
    }
  }

  @Override
  public synchronized void flush() {
    metrics.addMetric(COMPLETED, count(ProcessJob.Outcome.COMPLETED), MetricUnit.COUNT);
    metrics.addMetric(FAILED, count(ProcessJob.Outcome.FAILED), MetricUnit.COUNT);
    metrics.addMetric(RETRIED, count(ProcessJob.Outcome.RETRY_SCHEDULED), MetricUnit.COUNT);
    metrics.addMetric(DUPLICATE, count(ProcessJob.Outcome.ALREADY_DONE), MetricUnit.COUNT);
    metrics.addMetric(ERRORED, errored, MetricUnit.COUNT);
    metrics.flush();
    counts.clear();
    errored = 0;
  }

  private int count(ProcessJob.Outcome outcome) {
    return counts.getOrDefault(outcome, 0);
  }
}
