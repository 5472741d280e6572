package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.runtime.local.IngestionServer;
import dev.qbi.runtime.local.ServerSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/openapi.yaml}, the HTTP contract of both runtimes, stays in step with the API Gateway
 * definition ({@code api.yaml}) and with the routes the local server registers, and is what the
 * local server serves at {@code /openapi.yaml}.
 */
class OpenApiDocTest {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> paths(String file) {
    Map<String, Object> doc = CfnYaml.loadMap(Repo.file(file));
    return (Map<String, Object>) doc.get("paths");
  }

  /** {@code "POST /submit-job-request"} for each operation of the paths chosen. */
  @SuppressWarnings("unchecked")
  private static Set<String> operations(Map<String, Object> paths, boolean localOnly) {
    Set<String> ops = new TreeSet<>();
    paths.forEach(
        (path, value) -> {
          Map<String, Object> item = (Map<String, Object>) value;
          if ("local".equals(item.get("x-qbi-runtime")) == localOnly) {
            item.keySet().stream()
                .filter(METHODS::contains)
                .forEach(m -> ops.add(m.toUpperCase(java.util.Locale.ROOT) + " " + path));
          }
        });
    return ops;
  }

  @Test
  void the_shared_routes_are_exactly_those_of_the_api_gateway_definition() {
    assertThat(operations(paths("docs/openapi.yaml"), false))
        .isEqualTo(operations(paths("api.yaml"), false))
        .contains(
            "POST /submit-job-request",
            "GET /job-status/{jobId}",
            "GET /jobs",
            "DELETE /jobs/{jobId}");
  }

  @Test
  void every_documented_path_is_registered_by_the_local_server() throws IOException {
    String serverSources = serverSources();
    for (String op : operations(paths("docs/openapi.yaml"), true)) {
      String path = op.substring(op.indexOf(' ') + 1);
      // in Helidon's pattern the download key (which has slashes) is the "*" rest of the path
      String registered = path.replace("/download/{key}", "/download/*");
      assertThat(serverSources).as(op).contains("\"" + registered + "\"");
    }
    for (String route :
        new String[] {
          "\"/submit-job-request\"", "\"/job-status/{jobId}\"", "\"/jobs\"", "\"/jobs/{jobId}\""
        }) {
      assertThat(serverSources).contains(route);
    }
  }

  @Test
  void the_dashboards_routes_are_documented_and_registered() throws IOException {
    Set<String> local = operations(paths("docs/openapi.yaml"), true);
    assertThat(local)
        .contains(
            "GET /",
            "GET /dashboard",
            "GET /dashboard/config.json",
            "GET /dashboard/assets/{file}",
            "GET /admin/stats");
    String serverSources = serverSources();
    for (String route :
        new String[] {
          "\"/dashboard\"",
          "\"/dashboard/config.json\"",
          "\"/dashboard/assets/{file}\"",
          "\"/admin/stats\""
        }) {
      assertThat(serverSources).contains(route);
    }
  }

  @Test
  void the_local_server_serves_this_file_at_openapi_yaml(@TempDir Path dataDir) throws Exception {
    ServerSettings settings =
        ServerSettings.builder(dataDir).port(0).workers(1).passwordIterations(1_000).build();
    try (IngestionServer server = IngestionServer.start(settings);
        HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> served =
          http.send(
              HttpRequest.newBuilder(server.baseUrl().resolve("/openapi.yaml")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<String> docs =
          http.send(
              HttpRequest.newBuilder(server.baseUrl().resolve("/docs")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.body()).isEqualTo(Files.readAllBytes(Repo.file("docs/openapi.yaml")));
      assertThat(docs.statusCode()).isEqualTo(200);
      assertThat(docs.body()).contains("swagger-ui");
    }
  }

  private static String serverSources() throws IOException {
    Path main = Repo.file("runtimes/local/src/main/java");
    try (Stream<Path> files = Files.walk(main)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .map(
              p -> {
                try {
                  return Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .collect(Collectors.joining("\n"));
    }
  }
}
