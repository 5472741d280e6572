package dev.qbi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwsCredentialsTest {
  @TempDir Path dir;

  @Test
  void reads_a_profile_of_a_shared_credentials_file() throws IOException {
    Path file = dir.resolve("credentials");
    Files.writeString(
        file,
        """
        # written by the server
        [other]
        aws_access_key_id = AKIAOTHER
        aws_secret_access_key = other-secret

        [default]
        aws_access_key_id=AKIADEFAULT
        ; a comment
        aws_secret_access_key = s3cr3t/with+chars=
        """);

    AwsCredentials creds = AwsCredentials.fromSharedCredentialsFile(file);

    assertThat(creds.accessKeyId()).isEqualTo("AKIADEFAULT");
    assertThat(creds.secretAccessKey()).isEqualTo("s3cr3t/with+chars=");
    assertThat(creds.toString()).contains("AKIADEFAULT").doesNotContain("s3cr3t");
    assertThat(AwsCredentials.fromSharedCredentialsFile(file, "other").accessKeyId())
        .isEqualTo("AKIAOTHER");
  }

  @Test
  void a_missing_profile_or_key_is_an_io_error_naming_the_file() throws IOException {
    Path file = dir.resolve("credentials");
    Files.writeString(file, "[default]\naws_access_key_id = AKIA\n");

    assertThatThrownBy(() -> AwsCredentials.fromSharedCredentialsFile(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());
    assertThatThrownBy(() -> AwsCredentials.fromSharedCredentialsFile(file, "nope"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("[nope]");
    assertThatThrownBy(() -> AwsCredentials.fromSharedCredentialsFile(dir.resolve("missing")))
        .isInstanceOf(IOException.class);
  }
}
