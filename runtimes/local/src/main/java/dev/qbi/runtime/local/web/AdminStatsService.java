package dev.qbi.runtime.local.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.runtime.local.api.AdminAccess;
import dev.qbi.runtime.local.api.AdminGuard;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /admin/stats}, for the dashboard's admin view: the samples of {@link StatsHistory}
 * (queue depth, in flight, dead letters, throughput, submit→complete latency over the last
 * minutes), the values right now, and the server's retention and processing settings. Like every
 * {@code /admin} route it needs a request signed with the admin key pair ({@link AdminAccess});
 * otherwise 403.
 */
public final class AdminStatsService implements HttpService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StatsHistory history;
  private final AdminGuard guard;
  private final Map<String, Object> settings;

  /**
   * @param settings shown as they are (names to JSON values), e.g. {@code retention}
   */
  public AdminStatsService(StatsHistory history, AdminAccess admin, Map<String, ?> settings) {
    this.history = Objects.requireNonNull(history, "history");
    this.guard = new AdminGuard(admin);
    this.settings = new LinkedHashMap<>(settings);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/admin/stats", guard.guarded(this::stats));
  }

  private void stats(ServerRequest req, ServerResponse res) {
    StatsHistory.Sample now = history.current();
    List<Map<String, Object>> samples = new ArrayList<>();
    history.samples().forEach(s -> samples.add(describe(s)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("intervalSeconds", history.interval().toMillis() / 1000.0);
    json.put("capacity", history.capacity());
    json.put("current", describe(now));
    json.put("samples", samples);
    json.put("settings", settings);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    try {
      res.send(JSON.writeValueAsBytes(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> describe(StatsHistory.Sample s) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("at", s.at().toString());
    json.put("queueDepth", s.queueDepth());
    json.put("inFlight", s.inFlight());
    json.put("deadLetters", s.deadLetters());
    json.put("completed", s.completed());
    json.put("throughputPerMinute", s.throughputPerMinute());
    json.put("latencyCount", s.latencyCount());
    json.put("latencyP50Ms", s.latencyP50Ms());
    json.put("latencyP95Ms", s.latencyP95Ms());
    json.put("latencyMaxMs", s.latencyMaxMs());
    return json;
  }
}
