package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.RawResponse;
import dev.qbi.core.testing.MutableClock;
import dev.qbi.runtime.local.testing.RunningServer;
import java.io.IOException;
import java.net.URI;
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
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration POLL = Duration.ofMillis(10);
  static RunningServer running;
  static JobApiClient api;
  static String token;
  static String otherToken;
  static String jobId;
  static String link;

  long depthBefore;
  int jobsBefore;

  @BeforeAll
  static void start() throws Exception {
    running = RunningServer.start(dataDir, b -> b.maxBodyBytes(1024));
    api = running.client;
    token = running.newUserToken();
    otherToken = running.newUserToken();
    jobId = api.withToken(token).submit("{\"a\":1}");
    link =
        api.withToken(token)
            .awaitTerminal(jobId, Duration.ofSeconds(10), POLL)
            .downloadUrl()
            .orElseThrow()
            .toString();
    // the worker acknowledges the message after it records the job complete: let it, so that
    // the first test's snapshot of the queue depth does not race that acknowledgement
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (running.server.queue().depth() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(running.server.queue().depth()).as("queue drained after setup").isZero();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @BeforeEach
  void snapshot() throws Exception {
    depthBefore = running.server.queue().depth();
    jobsBefore = jobCount(token);
  }

  @AfterEach
  void serverIsHealthyAndNothingChanged() throws Exception {
    assertThat(api.rawGet("/health").statusCode()).isEqualTo(200);
    assertThat(running.server.queue().depth()).isEqualTo(depthBefore);
    assertThat(jobCount(token)).isEqualTo(jobsBefore);
    assertThat(jobCount(otherToken)).isZero();
  }

  static int jobCount(String who) throws Exception {
    return JSON.readTree(get("/jobs?limit=100", who).body()).path("jobs").size();
  }

  /** A raw GET as the user of {@code who} (no token when null). */
  static RawResponse get(String pathAndQuery, String who) throws Exception {
    return (who == null ? api : api.withToken(who)).rawGet(pathAndQuery);
  }

  /** A raw JSON submit as the user of {@code who} (no token when null). */
  static RawResponse submit(String who, String body) throws Exception {
    return (who == null ? api : api.withToken(who))
        .rawPost(
            JobApiClient.SUBMIT_PATH, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  static void assertError(RawResponse res, int status, String messageFragment) throws IOException {
    assertThat(res.statusCode()).isEqualTo(status);
    assertThat(res.header("Content-Type")).hasValue("application/json");
    JsonNode body = JSON.readTree(res.body());
    assertThat(body.path("message").asText()).containsIgnoringCase(messageFragment);
    assertThat(res.bodyText()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void no_token_is_401() throws Exception {
    assertError(submit(null, "{\"a\":1}"), 401, "Unauthorized");
    assertError(get("/job-status/" + jobId, null), 401, "Unauthorized");
    assertError(get("/jobs", null), 401, "Unauthorized");
  }

  @Test
  void garbage_token_is_401() throws Exception {
    assertError(submit("not-a-jwt", "{\"a\":1}"), 401, "Unauthorized");
    assertError(submit("Bearer a.b.c", "{\"a\":1}"), 401, "Unauthorized");
  }

  @Test
  void expired_token_is_401() throws Exception {
    assertError(
        submit(forged(Instant.now().minusSeconds(3600), "ingestion-local-client"), "{}"),
        401,
        "Unauthorized");
  }

  @Test
  void token_for_another_audience_is_401() throws Exception {
    assertError(
        submit(forged(Instant.now().plusSeconds(3600), "some-other-client"), "{}"),
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
  void empty_body_is_400() throws Exception {
    assertError(submit(token, ""), 400, "empty");
  }

  @Test
  void invalid_json_is_400() throws Exception {
    assertError(submit(token, "{\"a\":"), 400, "not valid JSON");
    assertError(submit(token, "hello"), 400, "not valid JSON");
    assertError(submit(token, "{} trailing"), 400, "not valid JSON");
  }

  @Test
  void body_over_the_limit_is_413() throws Exception {
    assertError(submit(token, "{\"a\":\"" + "x".repeat(2000) + "\"}"), 413, "limit");
  }

  @Test
  void non_json_content_type_is_415() throws Exception {
    RawResponse res =
        api.withToken(token)
            .rawPost(JobApiClient.SUBMIT_PATH, "text/csv", "a,b".getBytes(StandardCharsets.UTF_8));
    assertError(res, 415, "application/json");
  }

  @Test
  void job_id_that_is_not_a_uuid_is_400() throws Exception {
    assertError(get("/job-status/not-a-uuid", token), 400, "UUID");
  }

  @Test
  void unknown_job_id_is_404_with_the_original_message() throws Exception {
    String unknown = UUID.randomUUID().toString();
    RawResponse res = get("/job-status/" + unknown, token);
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(res.body()).path("Error Message").asText())
        .isEqualTo("No Job data found for Job Id : " + unknown);
    assertThat(api.withToken(token).findStatus(unknown)).isEmpty();
  }

  @Test
  void another_users_job_is_404_exactly_like_an_unknown_one() throws Exception {
    RawResponse res = get("/job-status/" + jobId, otherToken);
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(res.bodyText())
        .isEqualTo("{\"Error Message\":\"No Job data found for Job Id : " + jobId + "\"}");
    assertThat(get("/jobs", otherToken).bodyText()).doesNotContain(jobId);
  }

  @Test
  void tampered_download_link_is_403_without_content() throws Exception {
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
  void expired_download_link_is_403_without_content() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    try (RunningServer frozen =
        RunningServer.start(
            dataDir.resolve("frozen-clock"), b -> b.linkTtl(Duration.ofMinutes(5)), clock)) {
      JobApiClient user = frozen.api(frozen.newUserToken());
      String id = user.submit("{\"a\":1}");
      URI expiring =
          user.awaitTerminal(id, Duration.ofSeconds(10), POLL).downloadUrl().orElseThrow();
      assertThat(user.rawDownload(expiring).statusCode()).isEqualTo(200);

      clock.advance(Duration.ofMinutes(5).plusSeconds(1));

      RawResponse res = user.rawDownload(expiring);
      assertThat(res.statusCode()).isEqualTo(403);
      assertThat(res.bodyText()).doesNotContain("weatherData").contains("expired");
    }
  }

  private static void assertForbidden(String url) throws Exception {
    RawResponse res = api.rawDownload(URI.create(url));
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.bodyText()).doesNotContain("weatherData");
  }
}
