package dev.qbi.runtime.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path dir;

  @Test
  void lives_under_xdg_config_home_or_else_dot_config() {
    assertThat(TokenFile.defaultPath(Map.of("XDG_CONFIG_HOME", "/x/conf"), "/home/u"))
        .isEqualTo(Path.of("/x/conf/ingest/token"));
    assertThat(TokenFile.defaultPath(Map.of(), "/home/u"))
        .isEqualTo(Path.of("/home/u/.config/ingest/token"));
    assertThat(TokenFile.defaultPath(Map.of("XDG_CONFIG_HOME", " "), "/home/u"))
        .isEqualTo(Path.of("/home/u/.config/ingest/token"));
  }

  @Test
  void is_written_owner_only_replacing_a_looser_file_and_read_back() throws Exception {
    Path file = dir.resolve("ingest/token");
    assertThat(TokenFile.read(file)).isEmpty();

    TokenFile.write(file, "first");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    TokenFile.write(file, "second");

    assertThat(TokenFile.read(file)).hasValue("second");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    try (var left = Files.list(file.getParent())) {
      assertThat(left).containsExactly(file);
    }
  }
}
