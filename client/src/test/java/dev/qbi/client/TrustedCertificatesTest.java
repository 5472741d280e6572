package dev.qbi.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust file's errors are one line naming the file (the HTTPS round trip is tested in the local
 * runtime).
 */
class TrustedCertificatesTest {
  @TempDir Path dir;

  @Test
  void a_missing_file_or_one_without_a_certificate_is_a_clear_error() throws Exception {
    Path missing = dir.resolve("none.pem");
    assertThatThrownBy(() -> TrustedCertificates.fromPem(missing))
        .isInstanceOf(IOException.class)
        .hasMessage("no such file: " + missing);

    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> TrustedCertificates.fromPem(empty))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(empty.toString());

    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> TrustedCertificates.fromPem(garbage))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(garbage.toString());
  }
}
