package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/openapi.yaml}, the HTTP contract of both runtimes, stays in step with the API Gateway
 * definition ({@code api.yaml}) and with the routes the local server registers.
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
