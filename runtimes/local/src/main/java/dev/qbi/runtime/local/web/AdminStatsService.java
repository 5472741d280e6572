package dev.qbi.runtime.local.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.error.ForbiddenException;
import dev.qbi.core.error.PayloadTooLargeException;
import dev.qbi.runtime.local.api.AdminAccess;
import dev.qbi.runtime.local.api.AdminRequests;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/stats}, for the dashboard's admin view: the samples of {@link StatsHistory}
 * (queue depth, in flight, dead letters, throughput, submit→complete latency over the last
 * minutes), the values right now, and the server's retention and processing settings. Like every
 * {@code /admin} route it needs a request signed with the admin key pair ({@link AdminAccess});
 * otherwise 403.
 */
public final class AdminStatsService implements HttpService {
  private static final Logger LOG = LoggerFactory.getLogger(AdminStatsService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final StatsHistory history;
  private final AdminAccess admin;
  private final Map<String, Object> settings;

  /**
   * @param settings shown as they are (names to JSON values), e.g. {@code retention}
   */
  public AdminStatsService(StatsHistory history, AdminAccess admin, Map<String, ?> settings) {
    this.history = Objects.requireNonNull(history, "history");
    this.admin = Objects.requireNonNull(admin, "admin");
    this.settings = new LinkedHashMap<>(settings);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/admin/stats", this::stats);
  }

  private void stats(ServerRequest req, ServerResponse res) {
    if (!admin.allows(AdminRequests.of(req, body(req)))) {
      LOG.warn("refused GET /admin/stats: not an admin request");
      throw new ForbiddenException(
          "This route needs the server's admin credentials (<data-dir>/admin-credentials)");
    }
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

  /** The request body (a GET has none; a signed one is hashed all the same), bounded. */
  private static byte[] body(ServerRequest req) {
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new PayloadTooLargeException("Request body is over the limit");
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
