package dev.qbi.runtime.local.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web dashboard's files, without token (the page signs in itself): {@code GET /} redirects to
 * {@code GET /dashboard}, the page; {@code /dashboard/assets/{file}} its scripts, stylesheet and
 * icon (plain files from the jar's {@code web/} folder, no build step, nothing from another site);
 * {@code /dashboard/config.json} what the page must know to sign in (client id, the Cognito
 * endpoint's path, the region to sign admin requests for), so that it hard-codes nothing.
 *
 * <p>Every answer carries a strict Content-Security-Policy ({@code default-src 'self'}, no inline
 * script or style), {@code nosniff}, no referrer and no framing. The files are revalidated on each
 * use ({@code no-cache} with an {@code ETag}), so a new server version is picked up at once.
 */
public final class DashboardService implements HttpService {
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  private static final String HERE = "/web/";
  private static final String JS = "text/javascript; charset=utf-8";
  private static final HeaderName CSP_HEADER = HeaderNames.create("Content-Security-Policy");
  private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
  private static final HeaderName REFERRER = HeaderNames.create("Referrer-Policy");
  private static final HeaderName FRAME = HeaderNames.create("X-Frame-Options");

  /** The files under {@code /dashboard/assets/}: name → content type; none other is served. */
  static final Map<String, String> ASSETS =
      Map.of(
          "app.js", JS,
          "api.js", JS,
          "jobs.js", JS,
          "admin.js", JS,
          "charts.js", JS,
          "sigv4.js", JS,
          "style.css", "text/css; charset=utf-8",
          "favicon.svg", "image/svg+xml");

  /**
   * What the page is told at {@code /dashboard/config.json}.
   *
   * @param clientId the app client of the local user pool, for InitiateAuth
   * @param userPoolId the local user pool's id
   * @param cognitoEndpoint the path of the Cognito protocol's endpoint; empty when tokens come from
   *     an external issuer (then the page asks for a token instead of a password)
   * @param region the region admin requests are signed for
   * @param adminService the service name admin requests are signed for
   */
  public record Config(
      String clientId,
      String userPoolId,
      Optional<String> cognitoEndpoint,
      String region,
      String adminService) {
    public Config {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(userPoolId, "userPoolId");
      Objects.requireNonNull(cognitoEndpoint, "cognitoEndpoint");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(adminService, "adminService");
    }
  }

  private record File(byte[] body, String etag) {}

  private final byte[] config;
  private final Map<String, File> cache = new ConcurrentHashMap<>();

  public DashboardService(Config config) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("clientId", config.clientId());
    json.put("userPoolId", config.userPoolId());
    json.put("cognitoEndpoint", config.cognitoEndpoint().orElse(null));
    json.put("region", config.region());
    json.put("adminService", config.adminService());
    try {
      this.config = new ObjectMapper().writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/", (req, res) -> redirect(res, "dashboard"))
        .get("/dashboard", this::page)
        .get("/dashboard/", (req, res) -> redirect(res, "../dashboard"))
        .get("/dashboard/config.json", this::config)
        .get("/dashboard/assets/{file}", this::asset);
  }

  private void page(ServerRequest req, ServerResponse res) {
    send(req, res, "text/html; charset=utf-8", file("index.html"));
  }

  private void config(ServerRequest req, ServerResponse res) {
    secure(res);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.send(config);
  }

  private void asset(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("file");
    String type = ASSETS.get(name);
    if (type == null) {
      secure(res);
      res.status(Status.NOT_FOUND_404);
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send("{\"message\":\"Not found\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    send(req, res, type, file("assets/" + name));
  }

  /** A redirect relative to the request's path, so the server may sit behind a path prefix. */
  private static void redirect(ServerResponse res, String location) {
    secure(res);
    res.status(Status.FOUND_302);
    res.header(HeaderNames.LOCATION, location);
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.send();
  }

  private static void send(ServerRequest req, ServerResponse res, String type, File file) {
    secure(res);
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header(HeaderNames.ETAG, file.etag());
    boolean fresh =
        req.headers().contains(HeaderNames.IF_NONE_MATCH)
            && req.headers().get(HeaderNames.IF_NONE_MATCH).allValues().stream()
                .anyMatch(v -> v.contains(file.etag()));
    if (fresh) {
      res.status(Status.NOT_MODIFIED_304);
      res.send();
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, type);
    res.send(file.body());
  }

  private static void secure(ServerResponse res) {
    res.header(CSP_HEADER, CSP);
    res.header(NOSNIFF, "nosniff");
    res.header(REFERRER, "no-referrer");
    res.header(FRAME, "DENY");
  }

  /** A file of the jar's {@code web/} folder, read once. */
  private File file(String name) {
    return cache.computeIfAbsent(
        name,
        n -> {
          try (InputStream in = DashboardService.class.getResourceAsStream(HERE + n)) {
            if (in == null) {
              throw new IllegalStateException("missing from the jar: " + HERE + n);
            }
            byte[] body = in.readAllBytes();
            return new File(body, '"' + HexFormat.of().formatHex(sha256(body), 0, 12) + '"');
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + HERE + n + " from the jar", e);
          }
        });
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
