package dev.qbi.runtime.local.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link DashboardService} on its own: what the page is told when there is no local pool. */
class DashboardServiceTest {

  @Test
  void with_an_external_issuer_the_page_is_told_there_is_no_sign_in_endpoint() throws Exception {
    DashboardService service =
        new DashboardService(
            new DashboardService.Config(
                "external-client", "eu-west-1_pool", Optional.empty(), "us-east-1", "ingest"));
    WebServer web =
        WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.register(service)).build();
    web.start();
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> res =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + web.port() + "/dashboard/config.json"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      JsonNode config = new ObjectMapper().readTree(res.body());
      assertThat(config.path("clientId").asText()).isEqualTo("external-client");
      assertThat(config.path("userPoolId").asText()).isEqualTo("eu-west-1_pool");
      assertThat(config.has("cognitoEndpoint")).isTrue();
      assertThat(config.get("cognitoEndpoint").isNull()).isTrue();
      assertThat(res.headers().firstValue("Content-Security-Policy"))
          .hasValue(DashboardService.CSP);
    } finally {
      web.stop();
    }
  }

  @Test
  void every_asset_it_lists_is_in_the_jar() throws Exception {
    for (String name : DashboardService.ASSETS.keySet()) {
      assertThat(DashboardService.class.getResource("/web/assets/" + name)).as(name).isNotNull();
    }
    assertThat(DashboardService.class.getResource("/web/index.html")).isNotNull();
  }
}
