package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.qbi.core.testing.MutableClock;
import dev.qbi.runtime.local.testing.ApiClient;
import dev.qbi.runtime.local.testing.RunningServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error contract of docs/openapi.yaml, one test per bad input. After each, the server is
 * healthy and no data changed.
 */
class BadInputTest {
  @TempDir static Path dataDir;
  static RunningServer running;
  static ApiClient api;
  static String token;
  static String otherToken;
  static String jobId;
  static String link;

  long depthBefore;
  int jobsBefore;

  @BeforeAll
  static void start() {
    running = RunningServer.start(dataDir, b -> b.maxBodyBytes(1024));
    api = running.client;
    token = running.newUserToken();
    otherToken = running.newUserToken();
    jobId = api.submitOk(token, "{\"a\":1}");
    link =
        api.awaitTerminal(token, jobId, Duration.ofSeconds(10))
            .path("jobProcessedPayload")
            .asText();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @BeforeEach
  void snapshot() {
    depthBefore = running.server.queue().depth();
    jobsBefore = jobCount(token);
  }

  @AfterEach
  void serverIsHealthyAndNothingChanged() {
    assertThat(api.get("/health", null).statusCode()).isEqualTo(200);
    assertThat(running.server.queue().depth()).isEqualTo(depthBefore);
    assertThat(jobCount(token)).isEqualTo(jobsBefore);
    assertThat(jobCount(otherToken)).isZero();
  }

  static int jobCount(String who) {
    return ApiClient.parse(api.get("/jobs?limit=100", who).body()).path("jobs").size();
  }

  static void assertError(HttpResponse<String> res, int status, String messageFragment) {
    assertThat(res.statusCode()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = ApiClient.parse(res.body());
    assertThat(body.path("message").asText()).containsIgnoringCase(messageFragment);
    assertThat(res.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void no_token_is_401() {
    assertError(api.submit(null, "{\"a\":1}"), 401, "Unauthorized");
    assertError(api.status(null, jobId), 401, "Unauthorized");
    assertError(api.get("/jobs", null), 401, "Unauthorized");
  }

  @Test
  void garbage_token_is_401() {
    assertError(api.submit("not-a-jwt", "{\"a\":1}"), 401, "Unauthorized");
    assertError(api.submit("Bearer a.b.c", "{\"a\":1}"), 401, "Unauthorized");
  }

  @Test
  void expired_token_is_401() throws Exception {
    assertError(
        api.submit(forged(Instant.now().minusSeconds(3600), "ingestion-local-client"), "{}"),
        401,
        "Unauthorized");
  }

  @Test
  void token_for_another_audience_is_401() throws Exception {
    assertError(
        api.submit(forged(Instant.now().plusSeconds(3600), "some-other-client"), "{}"),
        401,
        "Unauthorized");
  }

  /**
   * A well-formed id token with the right issuer but our own key: it fails on the signature (or the
   * claim) — either way it must be a 401.
   */
  private static String forged(Instant exp, String audience) throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("attacker").generate();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(running.server.issuer())
            .subject(UUID.randomUUID().toString())
            .audience(audience)
            .claim("token_use", "id")
            .issueTime(Date.from(exp.minusSeconds(3600)))
            .expirationTime(Date.from(exp))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID("attacker")
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  @Test
  void empty_body_is_400() {
    assertError(api.submit(token, ""), 400, "empty");
  }

  @Test
  void invalid_json_is_400() {
    assertError(api.submit(token, "{\"a\":"), 400, "not valid JSON");
    assertError(api.submit(token, "hello"), 400, "not valid JSON");
    assertError(api.submit(token, "{} trailing"), 400, "not valid JSON");
  }

  @Test
  void body_over_the_limit_is_413() {
    assertError(api.submit(token, "{\"a\":\"" + "x".repeat(2000) + "\"}"), 413, "limit");
  }

  @Test
  void non_json_content_type_is_415() {
    HttpResponse<String> res =
        api.send(
            HttpRequest.newBuilder(api.base().resolve("/submit-job-request"))
                .header("Authorization", token)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("a,b")));
    assertError(res, 415, "application/json");
  }

  @Test
  void job_id_that_is_not_a_uuid_is_400() {
    assertError(api.status(token, "not-a-uuid"), 400, "UUID");
  }

  @Test
  void unknown_job_id_is_404_with_the_original_message() {
    String unknown = UUID.randomUUID().toString();
    HttpResponse<String> res = api.status(token, unknown);
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(ApiClient.parse(res.body()).path("Error Message").asText())
        .isEqualTo("No Job data found for Job Id : " + unknown);
  }

  @Test
  void another_users_job_is_404_exactly_like_an_unknown_one() {
    HttpResponse<String> res = api.status(otherToken, jobId);
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(res.body())
        .isEqualTo("{\"Error Message\":\"No Job data found for Job Id : " + jobId + "\"}");
    assertThat(api.get("/jobs", otherToken).body()).doesNotContain(jobId);
  }

  @Test
  void tampered_download_link_is_403_without_content() {
    URI uri = URI.create(link);
    String sig = uri.getQuery().replaceAll(".*signature=([^&]+).*", "$1");
    String flipped = (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1);
    assertForbidden(link.replace(sig, flipped));
    assertForbidden(link.replaceAll("expires=(\\d+)", "expires=9999999999"));
    String otherJob = UUID.randomUUID().toString();
    assertForbidden(link.replace(jobId, otherJob));
    assertForbidden(link.substring(0, link.indexOf('?')));
  }

  @Test
  void expired_download_link_is_403_without_content() {
    MutableClock clock = new MutableClock(Instant.now());
    try (RunningServer frozen =
        RunningServer.start(
            dataDir.resolve("frozen-clock"), b -> b.linkTtl(Duration.ofMinutes(5)), clock)) {
      String t = frozen.newUserToken();
      String id = frozen.client.submitOk(t, "{\"a\":1}");
      String expiring =
          frozen
              .client
              .awaitTerminal(t, id, Duration.ofSeconds(10))
              .path("jobProcessedPayload")
              .asText();
      assertThat(frozen.client.download(expiring).statusCode()).isEqualTo(200);

      clock.advance(Duration.ofMinutes(5).plusSeconds(1));

      HttpResponse<byte[]> res = frozen.client.download(expiring);
      assertThat(res.statusCode()).isEqualTo(403);
      assertThat(new String(res.body(), StandardCharsets.UTF_8))
          .doesNotContain("weatherData")
          .contains("expired");
    }
  }

  private static void assertForbidden(String url) {
    HttpResponse<byte[]> res = api.download(url);
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(new String(res.body())).doesNotContain("weatherData");
  }
}
