package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(launcherHeap(Map.of())).isEqualTo("-Xmx" + ServerProcess.DEFAULT_HEAP);
  }

  @Test
  void the_launcher_sizes_the_heap_to_a_small_container(@TempDir Path cgroup) throws Exception {
    Map<String, String> env = Map.of("INGEST_CGROUP_ROOT", cgroup.toString());
    // cgroup v2, no limit, and a limit roomy enough for the default
    Files.writeString(cgroup.resolve("memory.max"), "max\n");
    assertThat(launcherHeap(env)).isEqualTo("-Xmx" + ServerProcess.DEFAULT_HEAP);
    Files.writeString(cgroup.resolve("memory.max"), (1024L << 20) + "\n");
    assertThat(launcherHeap(env)).isEqualTo("-Xmx" + ServerProcess.DEFAULT_HEAP);
    // 128 MiB: three quarters of it is less than the default
    Files.writeString(cgroup.resolve("memory.max"), (128L << 20) + "\n");
    assertThat(launcherHeap(env)).isEqualTo("-XX:MaxRAMPercentage=75");
    // cgroup v1: the same rule; its "no limit" is a huge number
    Files.delete(cgroup.resolve("memory.max"));
    Files.createDirectories(cgroup.resolve("memory"));
    Files.writeString(cgroup.resolve("memory/memory.limit_in_bytes"), (96L << 20) + "\n");
    assertThat(launcherHeap(env)).isEqualTo("-XX:MaxRAMPercentage=75");
    Files.writeString(cgroup.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
    assertThat(launcherHeap(env)).isEqualTo("-Xmx" + ServerProcess.DEFAULT_HEAP);
    // the user's word wins: INGEST_HEAP, or a heap option of their own (then none is added)
    Files.writeString(cgroup.resolve("memory/memory.limit_in_bytes"), (96L << 20) + "\n");
    assertThat(launcherHeap(Map.of("INGEST_CGROUP_ROOT", cgroup.toString(), "INGEST_HEAP", "1g")))
        .isEqualTo("-Xmx1g");
    assertThat(
            launcherHeap(
                Map.of("INGEST_CGROUP_ROOT", cgroup.toString(), "INGEST_JAVA_OPTS", "-Xmx2g")))
        .isEmpty();
  }

  /** What the launcher's {@code heap_options} prints in the given environment. */
  private static String launcherHeap(Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", ". ../../scripts/heap.sh && heap_options")
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("INGEST_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
