package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.qbi.client.ApiException;
import dev.qbi.client.CognitoClient;
import dev.qbi.client.JobApiClient;
import dev.qbi.runtime.local.testing.RunningServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --issuer} mode: the local identity provider is off and tokens of an external issuer (here
 * a JWKS served by a local HTTP endpoint, standing in for a Cognito user pool) are accepted;
 * without the flag the same tokens are refused.
 */
class ExternalIssuerTest {
  static final String CLIENT = "external-client";

  @TempDir Path dataDir;
  HttpServer jwksEndpoint;
  RSAKey key;
  String issuer;

  @BeforeEach
  void serveJwks() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("ext-1").generate();
    byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwksEndpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jwksEndpoint.createContext(
        "/eu-west-1_Pool/.well-known/jwks.json",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    jwksEndpoint.start();
    issuer = "http://127.0.0.1:" + jwksEndpoint.getAddress().getPort() + "/eu-west-1_Pool";
  }

  @AfterEach
  void stopJwks() {
    jwksEndpoint.stop(0);
  }

  String externalIdToken() throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(UUID.randomUUID().toString())
                .audience(CLIENT)
                .claim("token_use", "id")
                .claim("cognito:username", "ext-user")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  @Test
  void external_issuer_tokens_are_accepted_only_in_issuer_mode() throws Exception {
    String token = externalIdToken();

    try (RunningServer external =
        RunningServer.start(
            dataDir.resolve("external"),
            b -> b.externalIssuer(Optional.of(issuer)).clientId(CLIENT))) {
      JobApiClient api = external.api(token);
      String jobId = api.submit("{\"from\":\"external\"}");
      assertThat(api.awaitTerminal(jobId, Duration.ofSeconds(10), Duration.ofMillis(10)).status())
          .isEqualTo("complete");
      // the local identity provider is off: no Cognito protocol, no local JWKS
      try (CognitoClient cognito = new CognitoClient(external.server.baseUrl().toString())) {
        assertThatThrownBy(() -> cognito.signUp(CLIENT, "someone", "Pa55-word!", Map.of()))
            .isInstanceOfSatisfying(
                ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
      }
    }

    try (RunningServer local =
        RunningServer.start(dataDir.resolve("local"), b -> b.clientId(CLIENT))) {
      JobApiClient api = local.api(token);
      assertThatThrownBy(() -> api.submit("{\"from\":\"external\"}"))
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
      assertThat(new ObjectMapper().readTree(api.rawGet("/jobs").body()).path("message").asText())
          .isEqualTo("Unauthorized");
    }
  }
}
