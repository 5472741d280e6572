package dev.qbi.runtime.local.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * {@code GET /health} (no token: status, queue depth, dead letters waiting for an operator) and
 * {@code GET /metrics} (Prometheus text format).
 */
public final class ObservabilityService implements HttpService {
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier healthy;
  private final LongSupplier queueDepth;
  private final LongSupplier deadLetterDepth;

  public ObservabilityService(
      PrometheusMeterRegistry registry,
      BooleanSupplier healthy,
      LongSupplier queueDepth,
      LongSupplier deadLetterDepth) {
    this.registry = registry;
    this.healthy = healthy;
    this.queueDepth = queueDepth;
    this.deadLetterDepth = deadLetterDepth;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/health", this::health).get("/metrics", this::metrics);
  }

  private void health(ServerRequest req, ServerResponse res) {
    boolean ok = healthy.getAsBoolean();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", ok ? "UP" : "DOWN");
    json.put("queueDepth", queueDepth.getAsLong());
    json.put("deadLetterDepth", deadLetterDepth.getAsLong());
    Json.send(res, ok ? 200 : 503, json);
  }

  private void metrics(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    res.send(registry.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
