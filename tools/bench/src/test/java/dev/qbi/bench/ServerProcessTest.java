package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the benchmark starts its server child. */
class ServerProcessTest {

  @Test
  void the_server_child_runs_serve_on_loopback_with_the_given_options_last() {
    List<String> cmd =
        ServerProcess.command(
            "/jdk/bin/java",
            "/app/ingest.jar",
            4321,
            Path.of("/tmp/bench/data"),
            List.of("-Xmx256m"),
            List.of("--workers", "3"));

    assertThat(cmd)
        .containsExactly(
            "/jdk/bin/java",
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx256m",
            "-cp",
            "/app/ingest.jar",
            "dev.qbi.runtime.local.Main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "4321",
            "--data-dir",
            "/tmp/bench/data",
            "--log-format",
            "text",
            "--workers",
            "3");
  }

  @Test
  void the_server_gets_the_launchers_heap_unless_told_otherwise() throws Exception {
    assertThat(ServerProcess.heapOptions(List.of(), null))
        .containsExactly("-Xmx" + ServerProcess.DEFAULT_HEAP);
    assertThat(ServerProcess.heapOptions(List.of("-Dx=y"), "512m")).containsExactly("-Xmx512m");
    assertThat(ServerProcess.heapOptions(List.of("-Xmx1g"), "512m")).isEmpty();
    assertThat(ServerProcess.heapOptions(List.of("-XX:MaxRAMPercentage=50"), null)).isEmpty();
    assertThat(ServerProcess.command("java", "cp", 1, Path.of("d"), List.of(), List.of()))
        .contains("-Xmx" + ServerProcess.DEFAULT_HEAP);
  }

  @Test
  void the_default_heap_is_the_same_as_the_launchers() throws Exception {
    Path launcher = Path.of("../../ingest");
    assertThat(Files.readString(launcher))
        .contains("DEFAULT_HEAP=" + ServerProcess.DEFAULT_HEAP + "\n");
  }
}
