package dev.qbi.runtime.local.api;

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
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API's documentation, without token: {@code GET /openapi.yaml} (docs/openapi.yaml, copied into
 * the jar by the build) and {@code GET /docs}, an interactive page (Swagger UI from its WebJar, its
 * files under {@code /docs/}; nothing is loaded from another site).
 */
public final class ApiDocsService implements HttpService {
  private static final String HERE = "/dev/qbi/runtime/local/api/";
  private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
  private static final String TEXT_JAVASCRIPT = "text/javascript; charset=utf-8";

  /** The files under {@code /docs/}: name → content type; none other is served. */
  private static final Map<String, String> ASSETS =
      Map.of(
          "swagger-ui-bundle.js", TEXT_JAVASCRIPT,
          "swagger-ui.css", "text/css; charset=utf-8",
          "favicon-32x32.png", "image/png",
          "favicon-16x16.png", "image/png",
          "docs.js", TEXT_JAVASCRIPT);

  private final String webjar;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  public ApiDocsService() {
    this.webjar = "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/openapi.yaml", this::openApi)
        .get("/docs", this::page)
        .get("/docs/", this::toPage)
        .get("/docs/{file}", this::asset);
  }

  private void openApi(ServerRequest req, ServerResponse res) {
    send(res, "application/yaml; charset=utf-8", "no-cache", resource(HERE + "openapi.yaml"));
  }

  private void page(ServerRequest req, ServerResponse res) {
    send(res, "text/html; charset=utf-8", "no-cache", resource(HERE + "docs.html"));
  }

  /** {@code /docs/} → {@code /docs}, whose links are relative to it. */
  private void toPage(ServerRequest req, ServerResponse res) {
    res.status(Status.MOVED_PERMANENTLY_301);
    res.header(HeaderNames.LOCATION, "../docs");
    res.send();
  }

  private void asset(ServerRequest req, ServerResponse res) {
    String file = req.path().pathParameters().get("file");
    String type = ASSETS.get(file);
    if (type == null) {
      Json.error(res, 404, "Not found");
      return;
    }
    String path = file.equals("docs.js") ? HERE + file : webjar + file;
    send(res, type, "public, max-age=86400", resource(path));
  }

  private static void send(ServerResponse res, String type, String cache, byte[] body) {
    res.header(HeaderNames.CONTENT_TYPE, type);
    res.header(HeaderNames.CACHE_CONTROL, cache);
    res.header(NOSNIFF, "nosniff");
    res.send(body);
  }

  /** A file of the jar, read once. */
  private byte[] resource(String path) {
    return cache.computeIfAbsent(
        path,
        p -> {
          try (InputStream in = ApiDocsService.class.getResourceAsStream(p)) {
            if (in == null) {
              throw new IllegalStateException("missing from the jar: " + p);
            }
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + " from the jar", e);
          }
        });
  }

  private static String swaggerUiVersion() {
    Properties p = new Properties();
    try (InputStream in = ApiDocsService.class.getResourceAsStream(HERE + "docs.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read docs.properties", e);
    }
    return Optional.ofNullable(p.getProperty("swagger-ui.version"))
        .filter(v -> !v.isBlank() && !v.startsWith("$"))
        .orElseThrow(() -> new IllegalStateException("the Swagger UI version is not in the jar"));
  }
}
