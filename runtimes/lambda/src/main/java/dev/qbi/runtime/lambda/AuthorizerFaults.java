package dev.qbi.runtime.lambda;

import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The authorizer's real faults, apart from the tokens it rejects. A rejection has to be thrown (API
 * Gateway turns the error {@code Unauthorized} into a 401), so Lambda's own {@code Errors} metric
 * counts every bad token and cannot tell a fault; this one counts only the other exceptions.
 */
interface AuthorizerFaults {

  /** The EMF metric, in {@code POWERTOOLS_METRICS_NAMESPACE} with the {@code Service} dimension. */
  String METRIC = "AuthorizerFaults";

  /** One invocation failed with something other than a rejected token. Must not throw. */
  void record(RuntimeException fault);

  /** Counts nothing (tests that do not look at faults). */
  AuthorizerFaults NONE = fault -> {};

  /**
   * {@value #METRIC} = 1 through Powertools (an EMF line in the log), only when a fault happens.
   */
  static AuthorizerFaults powertools() {
    Metrics metrics = MetricsFactory.getMetricsInstance();
    return fault -> {
      try {
        metrics.addMetric(METRIC, 1, MetricUnit.COUNT);
        metrics.flush();
      } catch (RuntimeException e) {
        // the fault itself is what matters; it is logged by the caller
      }
    };
  }
}
