package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.AwsCredentials;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.RawResponse;
import dev.qbi.client.SigV4Signer;
import dev.qbi.runtime.local.testing.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes over HTTP: the page and its files with their security headers, the config
 * the page signs in with, and {@code GET /admin/stats} for operators only. (The page itself is
 * driven in a real browser by tests/browser.)
 */
class DashboardRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  static RunningServer running;
  static HttpClient http;

  @BeforeAll
  static void start() {
    running = RunningServer.start(dataDir, b -> b.retention(Duration.ofDays(3)));
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() {
    http.close();
    running.close();
  }

  private static HttpResponse<String> get(String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(running.server.baseUrl().resolve(path));
    headers.forEach(req::header);
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void the_root_redirects_to_the_dashboard() throws Exception {
    HttpResponse<String> root = get("/", Map.of());
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).hasValue("dashboard");
    assertThat(get("/dashboard/", Map.of()).headers().firstValue("Location"))
        .hasValue("../dashboard");
  }

  @Test
  void the_page_has_a_strict_policy_no_inline_code_and_only_files_served_here() throws Exception {
    HttpResponse<String> page = get("/dashboard", Map.of());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    String html = page.body();
    assertThat(html).doesNotContain("//", "style=", "onclick", "onsubmit");
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find()).isFalse();

    List<String> refs = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"#]+)\"").matcher(html);
    while (m.find()) {
      refs.add(m.group(1));
    }
    assertThat(refs).contains("dashboard/assets/app.js", "dashboard/assets/style.css", "docs");
    for (String ref : refs.stream().filter(r -> r.startsWith("dashboard/")).toList()) {
      HttpResponse<String> asset = get("/" + ref, Map.of());
      assertThat(asset.statusCode()).as(ref).isEqualTo(200);
      assertThat(asset.headers().firstValue("Content-Security-Policy")).as(ref).isPresent();
    }
  }

  @Test
  void every_script_is_served_as_javascript_and_imports_only_files_served_here() throws Exception {
    for (String name :
        List.of("app.js", "api.js", "jobs.js", "admin.js", "charts.js", "sigv4.js")) {
      HttpResponse<String> js = get("/dashboard/assets/" + name, Map.of());
      assertThat(js.statusCode()).as(name).isEqualTo(200);
      assertThat(js.headers().firstValue("Content-Type").orElseThrow())
          .as(name)
          .startsWith("text/javascript");
      Matcher imports = Pattern.compile("from '([^']+)'").matcher(js.body());
      while (imports.find()) {
        String target = imports.group(1);
        assertThat(target).as(name).startsWith("./");
        assertThat(get("/dashboard/assets/" + target.substring(2), Map.of()).statusCode())
            .as(name + " imports " + target)
            .isEqualTo(200);
      }
      // tokens never go to the console
      assertThat(js.body()).as(name).doesNotContain("console.");
    }
    assertThat(get("/dashboard/assets/style.css", Map.of()).headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
  }

  @Test
  void files_are_revalidated_by_etag_and_unknown_ones_are_404() throws Exception {
    HttpResponse<String> first = get("/dashboard/assets/app.js", Map.of());
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");

    HttpResponse<String> again = get("/dashboard/assets/app.js", Map.of("If-None-Match", etag));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    assertThat(get("/dashboard/assets/index.html", Map.of()).statusCode()).isEqualTo(404);
    assertThat(get("/dashboard/assets/..%2Findex.html", Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void the_config_names_the_client_and_the_sign_in_endpoint_and_holds_no_secret() throws Exception {
    HttpResponse<String> res = get("/dashboard/config.json", Map.of());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode config = JSON.readTree(res.body());
    assertThat(config.path("clientId").asText()).isEqualTo(running.server.settings().clientId());
    assertThat(config.path("userPoolId").asText()).isEqualTo(running.server.settings().poolId());
    assertThat(config.path("cognitoEndpoint").asText()).isEqualTo("/");
    assertThat(config.path("region").asText()).isEqualTo("us-east-1");
    assertThat(config.path("adminService").asText()).isEqualTo("ingest");
    AwsCredentials admin =
        AwsCredentials.fromSharedCredentialsFile(running.server.adminCredentialsFile());
    assertThat(res.body()).doesNotContain(admin.secretAccessKey(), admin.accessKeyId());
  }

  @Test
  void stats_need_the_admin_signature() throws Exception {
    RawResponse unsigned = running.client.rawGet("/admin/stats");
    assertThat(unsigned.statusCode()).isEqualTo(403);
    assertThat(unsigned.bodyText()).contains("admin credentials");

    String token = running.newUserToken();
    HttpResponse<String> asUser = get("/admin/stats", Map.of("Authorization", token));
    assertThat(asUser.statusCode()).isEqualTo(403);

    AwsCredentials wrong = new AwsCredentials("AKIDWRONG", "not-the-secret");
    assertThat(signedStats(wrong).statusCode()).isEqualTo(403);
  }

  @Test
  void stats_show_the_queue_the_completions_and_the_settings() throws Exception {
    JobApiClient user = running.api(running.newUserToken());
    String id = user.submit("{}");
    user.awaitTerminal(id, Duration.ofSeconds(15), Duration.ofMillis(20));

    HttpResponse<String> res =
        signedStats(
            AwsCredentials.fromSharedCredentialsFile(running.server.adminCredentialsFile()));

    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode stats = JSON.readTree(res.body());
    assertThat(stats.path("intervalSeconds").asDouble()).isEqualTo(5.0);
    assertThat(stats.path("capacity").asInt()).isEqualTo(120);
    JsonNode now = stats.path("current");
    assertThat(now.path("completed").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(now.path("queueDepth").isIntegralNumber()).isTrue();
    assertThat(now.path("inFlight").asInt()).isGreaterThanOrEqualTo(0);
    assertThat(now.path("deadLetters").asLong()).isZero();
    assertThat(stats.path("samples").isArray()).isTrue();
    JsonNode settings = stats.path("settings");
    assertThat(settings.path("retention").asText()).isEqualTo("PT72H");
    assertThat(settings.path("jobHandler").asText()).isEqualTo("weather-simulator");
    assertThat(settings.path("maxReceiveCount").asInt())
        .isEqualTo(running.server.settings().maxReceiveCount());
  }

  private static HttpResponse<String> signedStats(AwsCredentials credentials) throws Exception {
    URI uri = running.server.baseUrl().resolve("/admin/stats");
    Map<String, String> signed =
        new SigV4Signer(credentials, "us-east-1", "ingest").sign("GET", uri, Map.of(), new byte[0]);
    HttpRequest.Builder req = HttpRequest.newBuilder(uri);
    signed.forEach(req::header);
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }
}
