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
import java.util.function.Supplier;

/**
 * The probes and metrics, no token needed:
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process is up and not shutting down (restart it
 *       when this fails);
 *   <li>{@code GET /health/ready}: 200 while it accepts work, i.e. also the job store takes writes;
 *       503 while it does not (disk full, I/O errors; with {@code --backend aws}: SQS or DynamoDB
 *       unreachable): alive but not accepting, submits answer 503 with {@code Retry-After}, reads
 *       keep working, and it recovers by itself;
 *   <li>{@code GET /health}: the readiness verdict (same status code) with the details: queue
 *       depth, dead letters waiting for an operator and the storage's state;
 *   <li>{@code GET /metrics}: Prometheus text format.
 * </ul>
 */
public final class ObservabilityService implements HttpService {
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier live;
  private final LongSupplier queueDepth;
  private final LongSupplier deadLetterDepth;
  private final Supplier<StorageHealth> storage;

  /**
   * @param live false once the server is shutting down
   * @param deadLetterDepth dead letters waiting for an operator
   * @param storage whether the job store takes writes
   */
  public ObservabilityService(
      PrometheusMeterRegistry registry,
      BooleanSupplier live,
      LongSupplier queueDepth,
      LongSupplier deadLetterDepth,
      Supplier<StorageHealth> storage) {
    this.registry = registry;
    this.live = live;
    this.queueDepth = queueDepth;
    this.deadLetterDepth = deadLetterDepth;
    this.storage = storage;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/health", this::health)
        .get("/health/live", this::live)
        .get("/health/ready", this::ready)
        .get("/metrics", this::metrics);
  }

  private void live(ServerRequest req, ServerResponse res) {
    boolean ok = live.getAsBoolean();
    Json.send(res, ok ? 200 : 503, Map.of("status", ok ? "UP" : "DOWN"));
  }

  private void ready(ServerRequest req, ServerResponse res) {
    Map<String, Object> json = readiness();
    Json.send(res, "UP".equals(json.get("status")) ? 200 : 503, json);
  }

  private void health(ServerRequest req, ServerResponse res) {
    Map<String, Object> json = readiness();
    boolean up = "UP".equals(json.get("status"));
    if (live.getAsBoolean()) {
      json.put("queueDepth", queueDepth.getAsLong());
      json.put("deadLetterDepth", deadLetterDepth.getAsLong());
    }
    Json.send(res, up ? 200 : 503, json);
  }

  /** {@code status} (UP when live and the storage writable) and {@code storage}. */
  private Map<String, Object> readiness() {
    boolean alive = live.getAsBoolean();
    Map<String, Object> json = new LinkedHashMap<>();
    if (!alive) {
      json.put("status", "DOWN");
      json.put("reason", "shutting down");
      return json;
    }
    StorageHealth store = storage.get();
    json.put("status", store.writable() ? "UP" : "DOWN");
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("writable", store.writable());
    store.problem().ifPresent(p -> detail.put("problem", p));
    detail.put("since", store.since().toString());
    json.put("storage", detail);
    return json;
  }

  private void metrics(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    res.send(registry.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
