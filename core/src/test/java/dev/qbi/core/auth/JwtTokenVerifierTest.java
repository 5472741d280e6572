package dev.qbi.core.auth;

import static dev.qbi.core.auth.TestTokens.CLIENT_ID;
import static dev.qbi.core.auth.TestTokens.ISSUER;
import static dev.qbi.core.auth.TestTokens.SUB;
import static dev.qbi.core.auth.TestTokens.accessClaims;
import static dev.qbi.core.auth.TestTokens.idClaims;
import static dev.qbi.core.auth.TestTokens.idToken;
import static dev.qbi.core.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwtTokenVerifierTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final RSAKey KEY = TestTokens.newKey("key-1");
  private static final RSAKey OTHER_KEY_SAME_KID = TestTokens.newKey("key-1");
  private static final RSAKey UNKNOWN_KEY = TestTokens.newKey("key-unknown");
  private static final JWKSource<SecurityContext> KEYS =
      new ImmutableJWKSet<>(new JWKSet(KEY.toPublicJWK()));

  private final MutableClock clock = new MutableClock(NOW);

  private JwtTokenVerifier verifier() {
    return JwtTokenVerifier.builder()
        .issuer(ISSUER)
        .clientId(CLIENT_ID)
        .jwkSource(KEYS)
        .clock(clock)
        .build();
  }

  static Stream<Arguments> badTokens() {
    return Stream.of(
        bad("alg none", JwtTokenVerifierTest::noneToken),
        bad(
            "HS256 signed with the public key as the secret",
            () ->
                sign(
                    hmacWithPublicKeyAsSecret(),
                    JWSAlgorithm.HS256,
                    KEY.getKeyID(),
                    idClaims(NOW).build())),
        bad("unknown kid", () -> sign(UNKNOWN_KEY, idClaims(NOW).build())),
        bad("wrong key under the right kid", () -> sign(OTHER_KEY_SAME_KID, idClaims(NOW).build())),
        bad(
            "RS512 with the right key",
            () -> sign(rsaSigner(KEY), JWSAlgorithm.RS512, KEY.getKeyID(), idClaims(NOW).build())),
        bad(
            "PS256 with the right key",
            () -> sign(rsaSigner(KEY), JWSAlgorithm.PS256, KEY.getKeyID(), idClaims(NOW).build())),
        bad("no kid", () -> sign(rsaSigner(KEY), JWSAlgorithm.RS256, null, idClaims(NOW).build())),
        bad(
            "expired",
            () ->
                idToken(
                    KEY,
                    NOW.minusSeconds(7200),
                    c -> c.expirationTime(Date.from(NOW.minusSeconds(31))))),
        bad("no exp", () -> idToken(KEY, NOW, c -> c.expirationTime(null))),
        bad(
            "not yet valid (nbf in the future)",
            () -> idToken(KEY, NOW, c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120))))),
        bad(
            "issued in the future",
            () -> idToken(KEY, NOW, c -> c.issueTime(Date.from(NOW.plusSeconds(120))))),
        bad(
            "wrong iss",
            () -> idToken(KEY, NOW, c -> c.issuer("https://cognito-idp.example/other"))),
        bad("no iss", () -> idToken(KEY, NOW, c -> c.issuer(null))),
        bad("wrong aud", () -> idToken(KEY, NOW, c -> c.audience("another-client"))),
        bad("id token without aud", () -> idToken(KEY, NOW, c -> c.audience((String) null))),
        bad(
            "access token with another client_id",
            () -> sign(KEY, accessClaims(NOW).claim("client_id", "another-client").build())),
        bad(
            "access token without client_id",
            () -> sign(KEY, accessClaims(NOW).claim("client_id", null).build())),
        bad("token_use refresh", () -> idToken(KEY, NOW, c -> c.claim("token_use", "refresh"))),
        bad("token_use missing", () -> idToken(KEY, NOW, c -> c.claim("token_use", null))),
        bad(
            "token_use not a string",
            () -> idToken(KEY, NOW, c -> c.claim("token_use", List.of("id")))),
        bad("no sub", () -> idToken(KEY, NOW, c -> c.subject(null))),
        bad(
            "truncated",
            () -> {
              String good = idToken(KEY, NOW, c -> c);
              return good.substring(0, good.length() - 12);
            }),
        bad(
            "payload changed after signing",
            () -> {
              String[] parts = idToken(KEY, NOW, c -> c).split("\\.");
              String forged =
                  sign(KEY, idClaims(NOW).subject("someone-else").build()).split("\\.")[1];
              return parts[0] + "." + forged + "." + parts[2];
            }),
        bad(
            "malformed base64",
            () -> {
              String[] parts = idToken(KEY, NOW, c -> c).split("\\.");
              return parts[0] + ".%%%not*base64%%%." + parts[2];
            }),
        bad("extra segments", () -> idToken(KEY, NOW, c -> c) + ".AAAA.BBBB"),
        bad("four segments", () -> idToken(KEY, NOW, c -> c) + ".AAAA"),
        bad("empty string", () -> ""),
        bad("null", () -> null),
        bad("not a JWT at all", () -> "hello"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void bad_token_is_rejected_with_a_generic_message(String name, Supplier<String> token) {
    String t = token.get();
    assertThatThrownBy(() -> verifier().verify(t))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessage("Unauthorized");
  }

  @Test
  void good_id_token_gives_the_principal() {
    String token = idToken(KEY, NOW, c -> c);

    Principal p = verifier().verify(token);

    assertThat(p.sub()).isEqualTo(SUB);
    assertThat(p.username()).isEqualTo("alice");
    assertThat(p.groups()).containsExactly("admins", "users");
    assertThat(p.tokenUse()).isEqualTo("id");
    assertThat(p.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    assertThat(p.owner().sub()).isEqualTo(SUB);
  }

  @Test
  void good_access_token_gives_the_principal_with_username_claim() {
    String token = sign(KEY, accessClaims(NOW).build());

    Principal p = verifier().verify(token);

    assertThat(p.sub()).isEqualTo(SUB);
    assertThat(p.username()).isEqualTo("alice");
    assertThat(p.groups()).isEmpty();
    assertThat(p.tokenUse()).isEqualTo("access");
  }

  @Test
  void id_token_whose_audience_list_contains_the_client_is_accepted() {
    String token = sign(KEY, idClaims(NOW).audience(List.of("someone-else", CLIENT_ID)).build());

    assertThat(verifier().verify(token).sub()).isEqualTo(SUB);
  }

  @Test
  void small_clock_skew_is_tolerated_but_no_more() {
    String token = idToken(KEY, NOW.minusSeconds(3600), c -> c.expirationTime(Date.from(NOW)));
    JwtTokenVerifier verifier = verifier();

    clock.set(NOW.plusSeconds(29));
    assertThat(verifier.verify(token).sub()).isEqualTo(SUB);

    clock.set(NOW.plusSeconds(30));
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void cached_token_is_served_from_the_cache_but_never_past_its_exp() {
    RSAKey key = TestTokens.newKey("rotating");
    AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(key.toPublicJWK()));
    JWKSource<SecurityContext> source = (selector, ctx) -> selector.select(published.get());
    JwtTokenVerifier verifier =
        JwtTokenVerifier.builder()
            .issuer(ISSUER)
            .clientId(CLIENT_ID)
            .jwkSource(source)
            .clock(clock)
            .clockSkew(Duration.ZERO)
            .cacheTtl(Duration.ofHours(2))
            .build();
    String token = idToken(key, NOW, c -> c.expirationTime(Date.from(NOW.plusSeconds(600))));
    verifier.verify(token);

    published.set(new JWKSet()); // the key is gone: only the cache can still accept the token
    clock.advance(Duration.ofSeconds(599));
    assertThat(verifier.verify(token).sub()).isEqualTo(SUB);

    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(UnauthorizedException.class);

    published.set(new JWKSet(key.toPublicJWK())); // even with the key back, exp has passed
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void cache_entries_live_no_longer_than_the_cache_ttl() {
    RSAKey key = TestTokens.newKey("ttl");
    AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(key.toPublicJWK()));
    JWKSource<SecurityContext> source = (selector, ctx) -> selector.select(published.get());
    JwtTokenVerifier verifier =
        JwtTokenVerifier.builder()
            .issuer(ISSUER)
            .clientId(CLIENT_ID)
            .jwkSource(source)
            .clock(clock)
            .cacheTtl(Duration.ofSeconds(60))
            .build();
    String token = idToken(key, NOW, c -> c);
    verifier.verify(token);
    published.set(new JWKSet());

    clock.advance(Duration.ofSeconds(59));
    assertThat(verifier.verify(token).sub()).isEqualTo(SUB);
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void building_without_a_key_source_fails() {
    assertThatThrownBy(() -> JwtTokenVerifier.builder().issuer(ISSUER).clientId(CLIENT_ID).build())
        .isInstanceOf(IllegalStateException.class);
  }

  private static Arguments bad(String name, Supplier<String> token) {
    return Arguments.of(name, token);
  }

  private static String noneToken() {
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    String header =
        enc.encodeToString("{\"alg\":\"none\",\"kid\":\"key-1\"}".getBytes(StandardCharsets.UTF_8));
    String payload = idToken(KEY, NOW, c -> c).split("\\.")[1];
    return header + "." + payload + ".";
  }

  private static MACSigner hmacWithPublicKeyAsSecret() {
    try {
      return new MACSigner(KEY.toRSAPublicKey().getEncoded());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RSASSASigner rsaSigner(RSAKey key) {
    try {
      return new RSASSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
