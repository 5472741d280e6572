package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.AwsCredentials;
import dev.qbi.client.CognitoClient;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.client.TrustedCertificates;
import dev.qbi.runtime.local.api.AdminCredentials;
import dev.qbi.runtime.local.http.HttpLimits;
import dev.qbi.runtime.local.testing.RunningServer;
import dev.qbi.runtime.local.testing.TestCertificates;
import dev.qbi.runtime.local.tls.ServerCertificate;
import dev.qbi.runtime.local.tls.TlsOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTPS for real: a server with {@code --tls self-signed} or given PEM files, a real TLS client
 * that trusts the server's certificate explicitly (and one that does not), the scheme in links and
 * the issuer, the certificate reused across restarts.
 */
class HttpsServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path work;

  private static RunningServer selfSigned(Path dataDir, String... extraHostNames) {
    return RunningServer.start(dataDir, b -> b.tls(TlsOptions.selfSigned(List.of(extraHostNames))));
  }

  private static HttpClient trusting(Path pem) throws Exception {
    return HttpClient.newBuilder().sslContext(TrustedCertificates.fromPem(pem)).build();
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A new confirmed user, over HTTPS trusting {@code trust}; returns its IdToken. */
  private static String newUser(RunningServer running, SSLContext trust) throws Exception {
    ServerSettings s = running.server.settings();
    String user = "tls-" + System.nanoTime() + "@example.com";
    AwsCredentials admin =
        AwsCredentials.fromSharedCredentialsFile(s.dataDir().resolve(AdminCredentials.FILE));
    try (CognitoClient cognito =
        new CognitoClient(running.server.baseUrl().toString(), trust, admin)) {
      cognito.signUp(s.clientId(), user, RunningServer.PASSWORD, Map.of("email", user));
      cognito.adminConfirmSignUp(s.poolId(), user);
      return cognito.login(s.clientId(), user, RunningServer.PASSWORD);
    }
  }

  @Test
  void self_signed_server_serves_https_to_clients_that_trust_its_certificate() throws Exception {
    Path dataDir = work.resolve("data");
    try (RunningServer running = selfSigned(dataDir)) {
      URI base = running.server.baseUrl();
      assertThat(base.toString()).startsWith("https://127.0.0.1:");
      Path cert = dataDir.resolve("tls/cert.pem");
      assertThat(running.server.tlsCertificate().orElseThrow().certFile()).isEqualTo(cert);
      assertThat(Files.getPosixFilePermissions(cert))
          .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
      assertThat(Files.getPosixFilePermissions(dataDir.resolve("tls/key.pem")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));

      // trusted explicitly: the handshake and the answer
      HttpResponse<String> health = get(trusting(cert), base.resolve("/health"));
      assertThat(health.statusCode()).isEqualTo(200);

      // the JDK's default trust store does not know the certificate: a handshake error
      try (HttpClient untrusting = HttpClient.newHttpClient()) {
        assertThatThrownBy(() -> get(untrusting, base.resolve("/health")))
            .isInstanceOf(SSLHandshakeException.class);
      }

      // the issuer and its documents follow the scheme
      assertThat(running.server.issuer()).startsWith("https://");
      JsonNode config =
          JSON.readTree(
              get(
                      trusting(cert),
                      URI.create(running.server.issuer() + "/.well-known/openid-configuration"))
                  .body());
      assertThat(config.path("issuer").asText()).isEqualTo(running.server.issuer());
      assertThat(config.path("jwks_uri").asText())
          .isEqualTo(running.server.issuer() + "/.well-known/jwks.json");

      SSLContext trust = TrustedCertificates.fromPem(cert);
      String token = newUser(running, trust);
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
      assertThat(claims.path("iss").asText()).isEqualTo(running.server.issuer());

      try (JobApiClient api = JobApiClient.builder(base).token(token).sslContext(trust).build()) {
        String id = api.submit("{\"testMessagePayload\":\"payload123\"}");
        JobStatus done = api.awaitTerminal(id, Duration.ofSeconds(30), Duration.ofMillis(20));
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETE);
        URI link = done.downloadUrl().orElseThrow();
        assertThat(link.toString()).startsWith(base + "/download/");
        assertThat(JSON.readTree(api.download(link)).path("weatherData").size()).isEqualTo(99);
        JsonNode status = JSON.readTree(api.rawGet("/job-status/" + id).bodyText());
        assertThat(status.path("jobProcessedPayload").asText()).startsWith("https://");
      }
    }
  }

  @Test
  void a_restart_reuses_the_certificate_and_a_new_host_name_replaces_it() throws Exception {
    Path dataDir = work.resolve("data");
    String first;
    byte[] key;
    try (RunningServer running = selfSigned(dataDir)) {
      ServerCertificate c = running.server.tlsCertificate().orElseThrow();
      assertThat(c.generated()).isTrue();
      assertThat(c.leaf().getSubjectAlternativeNames())
          .extracting(san -> san.get(1).toString())
          .contains("localhost", "127.0.0.1");
      first = c.sha256Fingerprint();
      key = Files.readAllBytes(dataDir.resolve("tls/key.pem"));
    }
    try (RunningServer again = selfSigned(dataDir)) {
      ServerCertificate c = again.server.tlsCertificate().orElseThrow();
      assertThat(c.generated()).isFalse();
      assertThat(c.sha256Fingerprint()).isEqualTo(first);
      assertThat(Files.readAllBytes(dataDir.resolve("tls/key.pem"))).isEqualTo(key);
      // still readable by all after the data dir's owner-only sweep at start
      assertThat(Files.getPosixFilePermissions(dataDir.resolve("tls/cert.pem")))
          .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
      // the file that was trusted before is still the one to trust
      assertThat(
              get(
                      trusting(dataDir.resolve("tls/cert.pem")),
                      again.server.baseUrl().resolve("/health"))
                  .statusCode())
          .isEqualTo(200);
    }
    try (RunningServer renamed = selfSigned(dataDir, "ingest.example.test", "10.1.2.3")) {
      ServerCertificate c = renamed.server.tlsCertificate().orElseThrow();
      assertThat(c.generated()).isTrue();
      assertThat(c.sha256Fingerprint()).isNotEqualTo(first);
      assertThat(c.leaf().getSubjectAlternativeNames())
          .extracting(san -> san.get(1).toString())
          .contains("localhost", "127.0.0.1", "ingest.example.test", "10.1.2.3");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA", "EC"})
  void a_certificate_and_key_given_as_pem_files_are_served(String algorithm) throws Exception {
    TestCertificates.Pair pair = TestCertificates.write(work.resolve("pki"), algorithm);
    Path dataDir = work.resolve("data");
    try (RunningServer running =
        RunningServer.start(dataDir, b -> b.tls(TlsOptions.files(pair.cert(), pair.key())))) {
      URI base = running.server.baseUrl();
      assertThat(base.getScheme()).isEqualTo("https");
      HttpResponse<String> health = get(trusting(pair.cert()), base.resolve("/health"));
      assertThat(health.statusCode()).isEqualTo(200);
      X509Certificate served =
          (X509Certificate) health.sslSession().orElseThrow().getPeerCertificates()[0];
      assertThat(served).isEqualTo(pair.certificate());
      assertThat(dataDir.resolve("tls")).doesNotExist();
    }
  }

  @Test
  void an_expired_certificate_is_only_a_warning() throws Exception {
    Instant now = Instant.now();
    TestCertificates.Pair expired =
        TestCertificates.write(
            work.resolve("pki"),
            "EC",
            now.minus(Duration.ofDays(30)),
            now.minus(Duration.ofDays(1)));
    try (RunningServer running =
        RunningServer.start(
            work.resolve("data"), b -> b.tls(TlsOptions.files(expired.cert(), expired.key())))) {
      assertThat(running.server.tlsCertificate().orElseThrow().leaf())
          .isEqualTo(expired.certificate());
      // served as it is (the JDK takes a trusted certificate as its anchor, dates unchecked)
      HttpResponse<String> health =
          get(trusting(expired.cert()), running.server.baseUrl().resolve("/health"));
      assertThat(health.sslSession().orElseThrow().getPeerCertificates()[0])
          .isEqualTo(expired.certificate());
    }
  }

  @Test
  void over_the_connection_cap_a_tls_connection_is_closed_and_the_others_keep_working()
      throws Exception {
    Path dataDir = work.resolve("data");
    try (RunningServer running =
        RunningServer.start(
            dataDir,
            b ->
                b.tls(TlsOptions.selfSigned(List.of()))
                    .http(new HttpLimits(1, Duration.ofSeconds(30), Duration.ofSeconds(10))))) {
      SSLSocketFactory tls =
          TrustedCertificates.fromPem(dataDir.resolve("tls/cert.pem")).getSocketFactory();
      int port = running.server.port();
      try (SSLSocket first = (SSLSocket) tls.createSocket("127.0.0.1", port)) {
        first.startHandshake();
        try (SSLSocket second = (SSLSocket) tls.createSocket("127.0.0.1", port)) {
          second.setSoTimeout(5_000);
          assertThatThrownBy(second::startHandshake).isInstanceOf(IOException.class);
        }
        first
            .getOutputStream()
            .write(
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 200");
      }
    }
  }

  @Test
  void plain_http_stays_the_default() {
    try (RunningServer running = RunningServer.start(work.resolve("data"))) {
      assertThat(running.server.baseUrl().getScheme()).isEqualTo("http");
      assertThat(running.server.tlsCertificate()).isEmpty();
      assertThat(running.server.issuer()).startsWith("http://");
      assertThat(work.resolve("data/tls")).doesNotExist();
    }
  }
}
