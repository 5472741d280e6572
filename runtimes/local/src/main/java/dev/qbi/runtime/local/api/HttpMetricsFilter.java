package dev.qbi.runtime.local.api;

import io.helidon.common.uri.UriPath;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code http.server.requests}: every answer timed, by method, route template ({@code
 * /job-status/{jobId}}, not the id), status and outcome, with latency buckets (Prometheus {@code
 * http_server_requests_seconds_bucket}). A path no route serves is counted as {@code unmatched}, so
 * that random paths cannot add series.
 */
public final class HttpMetricsFilter implements Filter {
  /** The route patterns the server registers (the services' {@code routing}). */
  static final List<String> ROUTES =
      List.of(
          "/submit-job-request",
          "/job-status/{jobId}",
          "/jobs",
          "/jobs/{jobId}",
          "/download/*",
          "/health",
          "/metrics",
          "/openapi.yaml",
          "/docs",
          "/docs/{file}",
          "/",
          "/{poolId}/.well-known/jwks.json",
          "/{poolId}/.well-known/openid-configuration");

  /** Latency buckets of the HTTP and job-processing histograms. */
  public static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private final MeterRegistry registry;
  private final List<Route> routes;
  private final Map<String, String> literalRoutes;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  private record Route(String template, PathMatcher matcher) {}

  public HttpMetricsFilter(MeterRegistry registry) {
    this.registry = registry;
    this.routes =
        ROUTES.stream()
            .filter(r -> !isLiteral(r))
            .map(r -> new Route(r, PathMatchers.create(r)))
            .toList();
    this.literalRoutes =
        ROUTES.stream()
            .filter(HttpMetricsFilter::isLiteral)
            .collect(Collectors.toMap(r -> r, r -> r));
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    String method = req.prologue().method().text().toUpperCase(Locale.ROOT);
    String uri = template(req.path());
    res.whenSent(() -> record(method, uri, res.status().code(), System.nanoTime() - start));
    chain.proceed();
  }

  /** The template of the route serving {@code path}, or {@code unmatched}. */
  String template(UriPath path) {
    // the busy routes (submit, jobs, health) are literal: one map look-up, no matching
    String literal = literalRoutes.get(path.path());
    if (literal != null) {
      return literal;
    }
    for (Route r : routes) {
      if (r.matcher().match(path).accepted()) {
        return r.template();
      }
    }
    return "unmatched";
  }

  private static boolean isLiteral(String route) {
    return route.indexOf('{') < 0 && route.indexOf('*') < 0;
  }

  private void record(String method, String uri, int status, long nanos) {
    String m = METHODS.contains(method) ? method : "OTHER";
    timers
        .computeIfAbsent(
            m + ' ' + uri + ' ' + status,
            k ->
                Timer.builder("http.server.requests")
                    .description("HTTP requests answered, by route template and status")
                    .tag("method", m)
                    .tag("uri", uri)
                    .tag("status", Integer.toString(status))
                    .tag("outcome", outcome(status))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private static String outcome(int status) {
    if (status < 200) {
      return "INFORMATIONAL";
    } else if (status < 300) {
      return "SUCCESS";
    } else if (status < 400) {
      return "REDIRECTION";
    } else if (status < 500) {
      return "CLIENT_ERROR";
    }
    return "SERVER_ERROR";
  }
}
