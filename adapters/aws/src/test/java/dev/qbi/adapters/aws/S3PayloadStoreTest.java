package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.contract.PayloadStoreContract;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.port.PayloadStore;
import dev.qbi.core.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payload-store contract against S3Mock. S3Mock checks neither signatures nor expiry, so the
 * link-judging tests of the contract are skipped; the URL's shape is checked here instead, and that
 * it downloads over plain HTTP.
 */
class S3PayloadStoreTest extends PayloadStoreContract {

  private static AwsClients aws;

  @BeforeAll
  static void startS3Mock() {
    aws = TestAws.clients().s3Endpoint(LocalS3.shared().endpoint()).build();
  }

  @AfterAll
  static void closeClients() {
    aws.close();
  }

  @Override
  protected PayloadStore createStore(MutableClock clock) {
    return new S3PayloadStore(aws.s3(), aws.s3Presigner(), LocalS3.BUCKET);
  }

  @Override
  protected String expiryParameter() {
    return "X-Amz-Expires";
  }

  @Override
  protected String signatureParameter() {
    return "X-Amz-Signature";
  }

  @Test
  void presigned_link_is_a_path_style_sigv4_url_expiring_after_the_ttl() {
    String key = newKey();

    URI link = store.presign(key, Duration.ofMinutes(15));

    URI endpoint = LocalS3.shared().endpoint();
    assertThat(link.getScheme()).isEqualTo("http");
    assertThat(link.getHost()).isEqualTo(endpoint.getHost());
    assertThat(link.getPort()).isEqualTo(endpoint.getPort());
    assertThat(link.getRawPath()).isEqualTo("/" + LocalS3.BUCKET + "/" + key);
    assertThat(parameter(link, "X-Amz-Algorithm")).isEqualTo("AWS4-HMAC-SHA256");
    assertThat(parameter(link, "X-Amz-Expires")).isEqualTo("900");
    assertThat(parameter(link, "X-Amz-Signature")).matches("[0-9a-f]{64}");
    assertThat(parameter(link, "X-Amz-Credential")).startsWith("test%2F").contains("%2Fs3%2F");
    assertThat(parameter(link, "X-Amz-Date")).matches("\\d{8}T\\d{6}Z");
    assertThat(parameter(link, "X-Amz-SignedHeaders")).isEqualTo("host");
  }

  @Test
  void presigned_link_downloads_the_object_over_plain_http_without_credentials() throws Exception {
    String key = newKey();
    byte[] content = utf8("{\"temperature\":12.5}");
    store.put(key, content, "application/json");

    HttpResponse<byte[]> got;
    try (HttpClient http = HttpClient.newHttpClient()) {
      got =
          http.send(
              HttpRequest.newBuilder(store.presign(key, TTL)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
    }

    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo(content);
    assertThat(got.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void link_ttl_must_be_positive_and_at_most_seven_days() {
    assertThatThrownBy(() -> store.presign(newKey(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.presign(newKey(), Duration.ofDays(7).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.presign(newKey(), Duration.ofDays(7)).getRawQuery())
        .contains("X-Amz-Expires=604800");
  }

  @Test
  void a_missing_bucket_is_a_storage_error() {
    PayloadStore missing = new S3PayloadStore(aws.s3(), aws.s3Presigner(), "no-such-bucket");

    assertThatThrownBy(() -> missing.put(newKey(), utf8("{}"), "application/json"))
        .isInstanceOf(StorageException.class);
  }
}
