package dev.qbi.core.auth;

import static dev.qbi.core.auth.TestTokens.CLIENT_ID;
import static dev.qbi.core.auth.TestTokens.ISSUER;
import static dev.qbi.core.auth.TestTokens.SUB;
import static dev.qbi.core.auth.TestTokens.idToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verifier against a foreign issuer whose JWKS is served over HTTP. */
class RemoteJwksVerifierTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet());
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer server;
  private URI jwksUri;

  @BeforeEach
  void startJwksEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/pool/.well-known/jwks.json",
        exchange -> {
          hits.incrementAndGet();
          byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status.get(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    jwksUri =
        URI.create(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/pool/.well-known/jwks.json");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private JwtTokenVerifier verifier() {
    return JwtTokenVerifier.builder()
        .issuer(ISSUER)
        .clientId(CLIENT_ID)
        .jwksUri(jwksUri)
        .clock(clock)
        .cacheTtl(Duration.ZERO)
        .build();
  }

  @Test
  void keys_are_fetched_once_and_reused() {
    RSAKey key = TestTokens.newKey("k1");
    published.set(new JWKSet(key.toPublicJWK()));
    JwtTokenVerifier verifier = verifier();

    for (int i = 0; i < 5; i++) {
      assertThat(verifier.verify(idToken(key, clock.instant(), c -> c)).sub()).isEqualTo(SUB);
    }

    assertThat(hits).hasValue(1);
  }

  @Test
  void unknown_kid_after_key_rotation_refetches_the_jwks_at_most_once_per_interval() {
    RSAKey first = TestTokens.newKey("k1");
    RSAKey second = TestTokens.newKey("k2");
    RSAKey bogus = TestTokens.newKey("made-up");
    published.set(new JWKSet(first.toPublicJWK()));
    JwtTokenVerifier verifier = verifier();
    verifier.verify(idToken(first, clock.instant(), c -> c));
    assertThat(hits).hasValue(1);

    // The issuer rotates 10 s later; within the rate-limit window no refetch happens.
    published.set(new JWKSet(java.util.List.of(first.toPublicJWK(), second.toPublicJWK())));
    clock.advance(Duration.ofSeconds(10));
    String rotated = idToken(second, clock.instant(), c -> c);
    assertThatThrownBy(() -> verifier.verify(rotated)).isInstanceOf(UnauthorizedException.class);
    for (int i = 0; i < 20; i++) {
      String unknown = idToken(bogus, clock.instant(), c -> c);
      assertThatThrownBy(() -> verifier.verify(unknown)).isInstanceOf(UnauthorizedException.class);
    }
    assertThat(hits).hasValue(1);

    // Once the interval has passed, the unknown kid triggers one refetch and the new key works.
    clock.advance(Duration.ofSeconds(21));
    assertThat(verifier.verify(rotated).sub()).isEqualTo(SUB);
    assertThat(hits).hasValue(2);
    assertThat(verifier.verify(idToken(first, clock.instant(), c -> c)).sub()).isEqualTo(SUB);

    // A flood of made-up kids right after is again answered without asking the issuer.
    for (int i = 0; i < 20; i++) {
      String unknown = idToken(bogus, clock.instant(), c -> c);
      assertThatThrownBy(() -> verifier.verify(unknown)).isInstanceOf(UnauthorizedException.class);
    }
    assertThat(hits).hasValue(2);
  }

  @Test
  void a_key_withdrawn_by_the_issuer_stops_working_once_the_copy_is_old() {
    RSAKey first = TestTokens.newKey("k1");
    RSAKey second = TestTokens.newKey("k2");
    published.set(new JWKSet(first.toPublicJWK()));
    JwtTokenVerifier verifier = verifier();
    verifier.verify(idToken(first, clock.instant(), c -> c));

    published.set(new JWKSet(second.toPublicJWK()));
    clock.advance(Duration.ofMinutes(61));

    String old = idToken(first, clock.instant(), c -> c);
    assertThatThrownBy(() -> verifier.verify(old)).isInstanceOf(UnauthorizedException.class);
    assertThat(verifier.verify(idToken(second, clock.instant(), c -> c)).sub()).isEqualTo(SUB);
    assertThat(hits).hasValue(2);
  }

  @Test
  void failing_jwks_endpoint_keeps_the_known_keys() {
    RSAKey first = TestTokens.newKey("k1");
    published.set(new JWKSet(first.toPublicJWK()));
    JwtTokenVerifier verifier = verifier();
    verifier.verify(idToken(first, clock.instant(), c -> c));

    status.set(500);
    clock.advance(Duration.ofMinutes(61));

    assertThat(verifier.verify(idToken(first, clock.instant(), c -> c)).sub()).isEqualTo(SUB);
    assertThat(hits).hasValue(2);
  }

  @Test
  void unreachable_issuer_means_unauthorized_not_a_crash() throws IOException {
    server.stop(0);
    RSAKey key = TestTokens.newKey("k1");
    JwtTokenVerifier verifier = verifier();

    String token = idToken(key, clock.instant(), c -> c);
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessage("Unauthorized");
  }
}
