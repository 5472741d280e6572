package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.client.RawResponse;
import dev.qbi.runtime.local.testing.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /openapi.yaml} and the interactive docs at {@code /docs}, served without a token. */
class ApiDocsTest {
  @TempDir static Path dataDir;
  static RunningServer running;

  @BeforeAll
  static void start() {
    running = RunningServer.start(dataDir);
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  void openapi_yaml_is_the_repository_file_byte_for_byte() throws Exception {
    RawResponse res = running.client.rawGet("/openapi.yaml");

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
    // the module's tests run in runtimes/local; the one source file is the repository's
    assertThat(res.body()).isEqualTo(Files.readAllBytes(Path.of("../../docs/openapi.yaml")));
  }

  @Test
  void docs_is_a_swagger_ui_page_whose_scripts_and_styles_are_all_served_here() throws Exception {
    RawResponse page = running.client.rawGet("/docs");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    String html = page.bodyText();
    assertThat(html).contains("<div id=\"swagger-ui\">").doesNotContain("//");

    List<String> assets = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
    while (m.find()) {
      assets.add(m.group(1));
    }
    assertThat(assets)
        .contains("docs/swagger-ui-bundle.js", "docs/swagger-ui.css", "docs/docs.js")
        .allMatch(a -> a.startsWith("docs/"));
    for (String asset : assets) {
      RawResponse res = running.client.rawGet("/" + asset);
      assertThat(res.statusCode()).as(asset).isEqualTo(200);
      String type = res.header("Content-Type").orElse("");
      if (asset.endsWith(".js")) {
        assertThat(type).as(asset).startsWith("text/javascript");
      } else if (asset.endsWith(".css")) {
        assertThat(type).as(asset).startsWith("text/css");
      } else {
        assertThat(type).as(asset).isEqualTo("image/png");
      }
    }
    assertThat(running.client.rawGet("/docs/swagger-ui-bundle.js").bodyText())
        .contains("SwaggerUIBundle");
    assertThat(running.client.rawGet("/docs/swagger-ui.css").body().length).isGreaterThan(10_000);
    assertThat(running.client.rawGet("/docs/docs.js").bodyText())
        .contains("url: \"openapi.yaml\"")
        .contains("SwaggerUIBundle(");
  }

  @Test
  void only_the_pages_files_are_served_under_docs() throws Exception {
    assertThat(running.client.rawGet("/docs/index.html").statusCode()).isEqualTo(404);
    assertThat(running.client.rawGet("/docs/swagger-initializer.js").statusCode()).isEqualTo(404);
    assertThat(running.client.rawGet("/docs/..%2Fopenapi.yaml").statusCode()).isEqualTo(404);
    RawResponse slash = running.client.rawGet("/docs/");
    assertThat(slash.statusCode()).isEqualTo(301);
    assertThat(slash.header("Location")).hasValue("../docs");
  }
}
