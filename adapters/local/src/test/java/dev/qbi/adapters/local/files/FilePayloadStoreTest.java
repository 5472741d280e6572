package dev.qbi.adapters.local.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.contract.PayloadStoreContract;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.port.PayloadStore;
import dev.qbi.core.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePayloadStoreTest extends PayloadStoreContract {

  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  private FilePayloadStore files;

  @Override
  protected PayloadStore createStore(MutableClock clock) {
    files =
        new FilePayloadStore(
            dir.resolve("payloads"),
            URI.create("http://127.0.0.1:8080/"),
            new UrlSigner(SECRET, clock));
    return files;
  }

  /** What the server's download route does: the key is the path after /download/. */
  @Override
  protected Optional<LinkJudge> linkJudge() {
    return Optional.of(
        link -> {
          String path = link.getRawPath();
          if (!path.startsWith(FilePayloadStore.DOWNLOAD_PREFIX)) {
            return false;
          }
          String key = path.substring(FilePayloadStore.DOWNLOAD_PREFIX.length());
          return files.verifyDownload(key, query(link, "expires"), query(link, "signature"))
              == UrlSigner.Verdict.OK;
        });
  }

  private static String query(URI link, String name) {
    if (link.getRawQuery() == null) {
      return null;
    }
    for (String pair : link.getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return null;
  }

  @Test
  void link_has_the_documented_shape() {
    String key = newKey();

    URI link = store.presign(key, Duration.ofHours(1));

    long expires = clock.instant().plus(Duration.ofHours(1)).getEpochSecond();
    assertThat(link.toString())
        .matches(
            "http://127\\.0\\.0\\.1:8080/download/"
                + key.replace(".", "\\.")
                + "\\?expires="
                + expires
                + "&signature=[A-Za-z0-9_-]{43}");
  }

  @Test
  void expired_and_tampered_links_are_told_apart() {
    String key = newKey();
    URI link = store.presign(key, Duration.ofMinutes(5));
    String expires = query(link, "expires");
    String signature = query(link, "signature");

    assertThat(files.verifyDownload(key, expires, signature)).isEqualTo(UrlSigner.Verdict.OK);
    clock.advance(Duration.ofMinutes(6));
    assertThat(files.verifyDownload(key, expires, signature)).isEqualTo(UrlSigner.Verdict.EXPIRED);
    assertThat(files.verifyDownload(key, Long.toString(Long.parseLong(expires) + 3600), signature))
        .isEqualTo(UrlSigner.Verdict.INVALID);
  }

  @Test
  void keys_that_could_escape_the_root_are_refused() {
    List<String> bad =
        List.of(
            "../secret",
            "jobs/../../etc/passwd",
            "/etc/passwd",
            "jobs//x.json",
            "jobs/./x.json",
            "jobs/.hidden",
            "..",
            ".",
            "",
            "jobs/x.json/",
            "jobs\\..\\x.json",
            "jobs/x.json\n",
            "jobs/x%2e%2e/y",
            "C:/windows");
    for (String key : bad) {
      assertThat(FilePayloadStore.isValidKey(key)).as(key).isFalse();
      assertThatThrownBy(() -> store.put(key, new byte[] {1}, "application/json"))
          .as("put %s", key)
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> store.get(key))
          .as("get %s", key)
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> store.presign(key, Duration.ofMinutes(1)))
          .as("presign %s", key)
          .isInstanceOf(InvalidRequestException.class);
      assertThat(files.verifyDownload(key, "1", "x")).isEqualTo(UrlSigner.Verdict.INVALID);
    }
    assertThat(FilePayloadStore.isValidKey(newKey())).isTrue();
    assertThat(FilePayloadStore.isValidKey(null)).isFalse();
  }

  @Test
  void plain_segments_of_up_to_128_characters_are_keys() {
    assertThat(FilePayloadStore.isValidKey("jobs/" + "a".repeat(128))).isTrue();
    assertThat(FilePayloadStore.isValidKey("jobs/" + "a".repeat(129))).isFalse();
    assertThat(FilePayloadStore.isValidKey("a".repeat(128) + "/x")).isTrue();
    assertThat(FilePayloadStore.isValidKey("-x/_y/0.z..json")).isTrue();
    assertThat(FilePayloadStore.isValidKey("jobs/caf\u00e9.json")).isFalse();
    assertThat(FilePayloadStore.isValidKey("jobs/a b.json")).isFalse();
    assertThat(FilePayloadStore.isValidKey("x/" + "a/".repeat(300) + "b")).isFalse();
  }

  @Test
  void outputs_are_owner_only_and_leave_no_temporary_file() throws Exception {
    String key = newKey();
    store.put(key, utf8("{}"), "application/json");
    store.put(key, utf8("{\"again\":true}"), "application/json");
    Path file = files.pathOf(key);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing.map(p -> p.getFileName().toString()).toList())
          .containsExactly(file.getFileName().toString());
    }
    assertThat(store.get(key)).contains(utf8("{\"again\":true}"));
  }

  @Test
  void payload_lives_under_the_root_at_its_key() throws Exception {
    String key = newKey();
    store.put(key, utf8("{\"x\":1}"), "application/json");

    Path file = dir.resolve("payloads").resolve(key);

    assertThat(file).exists();
    assertThat(Files.readString(file)).isEqualTo("{\"x\":1}");
  }

  @Test
  void delete_removes_the_file_and_a_missing_one_is_fine() {
    String key = newKey();
    store.put(key, utf8("{}"), "application/json");

    assertThat(files.delete(key)).isTrue();
    assertThat(store.get(key)).isEmpty();
    assertThat(files.delete(key)).isFalse();
    assertThatThrownBy(() -> files.delete("../escape")).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void writes_leave_no_temporary_files_behind() throws Exception {
    String key = newKey();
    for (int i = 0; i < 5; i++) {
      store.put(key, utf8("{\"v\":" + i + "}"), "application/json");
    }

    try (Stream<Path> all = Files.walk(dir.resolve("payloads"))) {
      assertThat(all.filter(Files::isRegularFile).toList())
          .containsExactly(dir.resolve("payloads").resolve(key));
    }
  }

  @Test
  void a_link_for_one_key_does_not_open_another() {
    String a = newKey();
    String b = newKey();
    URI link = store.presign(a, Duration.ofMinutes(5));

    assertThat(files.verifyDownload(b, query(link, "expires"), query(link, "signature")))
        .isEqualTo(UrlSigner.Verdict.INVALID);
  }

  @Test
  void a_link_signed_with_another_secret_is_refused() {
    String key = newKey();
    UrlSigner other =
        new UrlSigner(
            "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII), clock);
    long expires = other.expiryFor(Duration.ofMinutes(5));

    assertThat(files.verifyDownload(key, Long.toString(expires), other.sign(key, expires)))
        .isEqualTo(UrlSigner.Verdict.INVALID);
  }

  @Test
  void a_key_naming_a_directory_has_no_payload() {
    store.put("jobs/a/b.json", utf8("{}"), "application/json");

    assertThat(store.get("jobs/a")).isEmpty();
  }
}
