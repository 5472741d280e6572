package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.core.job.Decision;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.Metrics;

class PowertoolsJobMetricsTest {

  private final Map<String, Double> added = new LinkedHashMap<>();
  private final List<String> calls = new ArrayList<>();
  private final Metrics recording =
      (Metrics)
          Proxy.newProxyInstance(
              Metrics.class.getClassLoader(),
              new Class<?>[] {Metrics.class},
              (proxy, method, args) -> {
                calls.add(method.getName());
                if (method.getName().equals("addMetric")) {
                  added.put((String) args[0], (Double) args[1]);
                }
                return null;
              });

  @Test
  void an_invocations_outcomes_are_published_as_counts_zeros_included() {
    PowertoolsJobMetrics metrics = new PowertoolsJobMetrics(recording);
    metrics.record(new Decision.Completed("jobs/a.json"));
    metrics.record(new Decision.Completed("jobs/a.json"));
    metrics.record(new Decision.RetryAfter(Duration.ofSeconds(1), "E: x"));
    metrics.record(new Decision.Contended());
    metrics.record(null);
    metrics.record(new Decision.Cancelled());
    metrics.deferred(3);

    metrics.flush();

    assertThat(added)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "JobsCompleted", 2.0,
                "JobsFailed", 0.0,
                "JobsRetried", 2.0,
                "JobsDuplicate", 0.0,
                "JobsCancelled", 1.0,
                "MessagesErrored", 1.0,
                "MessagesDeferred", 3.0));
    assertThat(calls).last().isEqualTo("flush");
  }

  @Test
  void counts_start_over_after_a_flush() {
    PowertoolsJobMetrics metrics = new PowertoolsJobMetrics(recording);
    metrics.record(new Decision.DeadLetter("E: y"));
    metrics.deferred(2);
    metrics.flush();
    added.clear();

    metrics.flush();

    assertThat(added.get("JobsFailed")).isZero();
    assertThat(added.get("MessagesDeferred")).isZero();
  }
}
