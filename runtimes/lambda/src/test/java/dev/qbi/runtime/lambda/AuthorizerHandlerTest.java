package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.runtime.lambda.testing.Repo;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The authorizer against a JWKS served over HTTP on 127.0.0.1, fed the sample event {@code
 * events/authorizer.json} with the token replaced.
 */
class AuthorizerHandlerTest {

  private static final String CLIENT_ID = "lambda-test-client";
  private static final String SUB = "7c3e6d1a-2b4f-4e8a-9d10-5f6a7b8c9d0e";
  private static final String STAGE_ARN =
      "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default";
  private static final RSAKey KEY = newKey("key-1");
  private static final RSAKey OTHER_KEY_SAME_KID = newKey("key-1");
  private static final RSAKey UNKNOWN_KEY = newKey("key-unknown");

  private static HttpServer jwks;
  private static String issuer;
  private static AuthorizerHandler handler;

  @BeforeAll
  static void serveJwks() throws IOException {
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks.createContext(
        "/us-east-1_Test/.well-known/jwks.json",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    jwks.start();
    issuer = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/us-east-1_Test";
    handler =
        new AuthorizerHandler(
            Env.of(
                Map.of("COGNITO_ISSUER", issuer, "USER_POOL_CLIENT_ID", CLIENT_ID),
                AuthorizerHandler.ENV));
  }

  @AfterAll
  static void stopJwks() {
    jwks.stop(0);
  }

  @Test
  void good_id_token_gets_a_policy_for_exactly_the_apis_routes_with_the_owner_in_the_context() {
    IamPolicyResponse policy = handler.handleRequest(sampleEvent(idToken(c -> c)), context());

    assertThat(policy.getPrincipalId()).isEqualTo(SUB);
    assertThat(policy.getContext())
        .containsExactlyInAnyOrderEntriesOf(Map.of("owner", SUB, "username", "alice"));
    JsonNode document = new ObjectMapper().valueToTree(policy).path("policyDocument");
    assertThat(document.path("Version").asText()).isEqualTo("2012-10-17");
    assertThat(document.path("Statement")).hasSize(1);
    JsonNode statement = document.path("Statement").path(0);
    assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
    assertThat(statement.path("Action").asText()).isEqualTo("execute-api:Invoke");
    assertThat(resources(policy))
        .containsExactlyInAnyOrder(
            STAGE_ARN + "/POST/submit-job-request",
            STAGE_ARN + "/GET/job-status/*",
            STAGE_ARN + "/GET/jobs",
            STAGE_ARN + "/DELETE/jobs/*");
  }

  @Test
  void policy_serializes_to_the_shape_api_gateway_reads() throws IOException {
    IamPolicyResponse policy = handler.handleRequest(sampleEvent(idToken(c -> c)), context());

    // the Lambda runtime's own serializer, as it answers API Gateway
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LambdaEventSerializers.serializerFor(IamPolicyResponse.class, getClass().getClassLoader())
        .toJson(policy, out);
    JsonNode json = new ObjectMapper().readTree(out.toByteArray());

    assertThat(json.path("principalId").asText()).isEqualTo(SUB);
    assertThat(json.path("context").path("owner").asText()).isEqualTo(SUB);
    JsonNode statement = json.path("policyDocument").path("Statement").path(0);
    assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
    assertThat(statement.path("Action").asText()).isEqualTo("execute-api:Invoke");
    assertThat(statement.path("Resource")).hasSize(4);
  }

  @Test
  void bearer_prefix_and_access_tokens_are_accepted() {
    APIGatewayCustomAuthorizerEvent event = sampleEvent("Bearer " + accessToken(c -> c));

    IamPolicyResponse policy = handler.handleRequest(event, context());

    assertThat(policy.getPrincipalId()).isEqualTo(SUB);
  }

  @Test
  void routes_follow_the_stage_and_api_of_the_incoming_method_arn() {
    APIGatewayCustomAuthorizerEvent event = sampleEvent(idToken(c -> c));
    event.setMethodArn("arn:aws:execute-api:eu-west-1:210987654321:zyx987/prod/GET/jobs");

    IamPolicyResponse policy = handler.handleRequest(event, context());

    assertThat(resources(policy))
        .containsExactlyInAnyOrder(
            "arn:aws:execute-api:eu-west-1:210987654321:zyx987/prod/POST/submit-job-request",
            "arn:aws:execute-api:eu-west-1:210987654321:zyx987/prod/GET/job-status/*",
            "arn:aws:execute-api:eu-west-1:210987654321:zyx987/prod/GET/jobs",
            "arn:aws:execute-api:eu-west-1:210987654321:zyx987/prod/DELETE/jobs/*");
  }

  @Test
  void missing_authorization_header_is_unauthorized() {
    APIGatewayCustomAuthorizerEvent event = sampleEvent("ignored");
    event.setHeaders(Map.of("host", "example"));
    event.setIdentitySource(null);

    assertUnauthorized(() -> handler.handleRequest(event, context()));
  }

  @Test
  void event_without_a_method_arn_is_unauthorized() {
    APIGatewayCustomAuthorizerEvent event = sampleEvent(idToken(c -> c));
    event.setMethodArn("not-an-arn");

    assertUnauthorized(() -> handler.handleRequest(event, context()));
  }

  static Stream<Arguments> badTokens() {
    Instant now = Instant.now();
    return Stream.of(
        bad("alg none", AuthorizerHandlerTest::noneToken),
        bad(
            "HS256 signed with the public key as the secret",
            () ->
                sign(
                    hmacWithPublicKeyAsSecret(),
                    JWSAlgorithm.HS256,
                    KEY.getKeyID(),
                    idClaims(now).build())),
        bad("unknown kid", () -> sign(UNKNOWN_KEY, idClaims(now).build())),
        bad("wrong key under the right kid", () -> sign(OTHER_KEY_SAME_KID, idClaims(now).build())),
        bad("expired", () -> idToken(c -> c.expirationTime(Date.from(now.minusSeconds(3600))))),
        bad("not yet valid", () -> idToken(c -> c.notBeforeTime(Date.from(now.plusSeconds(3600))))),
        bad("wrong iss", () -> idToken(c -> c.issuer("https://cognito-idp.example/other"))),
        bad("wrong aud", () -> idToken(c -> c.audience("another-client"))),
        bad(
            "access token of another client",
            () -> accessToken(c -> c.claim("client_id", "another-client"))),
        bad("token_use refresh", () -> idToken(c -> c.claim("token_use", "refresh"))),
        bad("no token_use", () -> idToken(c -> c.claim("token_use", null))),
        bad(
            "truncated",
            () -> {
              String t = idToken(c -> c);
              return t.substring(0, t.length() - 10);
            }),
        bad("malformed", () -> "not.a.jwt"),
        bad("empty bearer", () -> "Bearer "));
  }

  private static Arguments bad(String name, Supplier<String> token) {
    return Arguments.of(name, token);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void bad_token_is_unauthorized(String name, Supplier<String> token) {
    APIGatewayCustomAuthorizerEvent event = sampleEvent(token.get());

    assertUnauthorized(() -> handler.handleRequest(event, context()));
  }

  @Test
  void a_rejected_token_is_not_a_fault_and_anything_else_is_counted_then_rethrown() {
    List<RuntimeException> faults = new ArrayList<>();
    AuthorizerHandler rejecting =
        new AuthorizerHandler(
            token -> {
              throw new UnauthorizedException("bad signature");
            },
            faults::add);
    IllegalStateException broken = new IllegalStateException("verifier misconfigured");
    AuthorizerHandler failing =
        new AuthorizerHandler(
            token -> {
              throw broken;
            },
            faults::add);

    assertUnauthorized(() -> rejecting.handleRequest(sampleEvent(idToken(c -> c)), context()));
    assertThat(faults).isEmpty();

    // not "Unauthorized": API Gateway answers 500, and the fault metric counts it
    assertThatThrownBy(() -> failing.handleRequest(sampleEvent(idToken(c -> c)), context()))
        .isSameAs(broken);
    assertThat(faults).containsExactly(broken);
  }

  private static void assertUnauthorized(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOf(UnauthorizedException.class)
        .hasMessage("Unauthorized");
  }

  /** The resources of the policy's one statement, as API Gateway reads them from the JSON. */
  private static List<String> resources(IamPolicyResponse policy) {
    JsonNode resource =
        new ObjectMapper()
            .valueToTree(policy)
            .path("policyDocument")
            .path("Statement")
            .path(0)
            .path("Resource");
    List<String> list = new ArrayList<>();
    resource.forEach(r -> list.add(r.asText()));
    return list;
  }

  /** events/authorizer.json with the token in the Authorization header and identity source. */
  private static APIGatewayCustomAuthorizerEvent sampleEvent(String token) {
    APIGatewayCustomAuthorizerEvent event =
        EventLoader.loadAPIGatewayCustomAuthorizerEvent(Repo.event("authorizer.json").toString());
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("authorization", token);
    event.setHeaders(headers);
    event.setIdentitySource(token);
    event.setAuthorizationToken(token);
    return event;
  }

  private static TestContext context() {
    return new TestContext("authorizer");
  }

  private static JWTClaimsSet.Builder idClaims(Instant now) {
    return new JWTClaimsSet.Builder()
        .subject(SUB)
        .audience(CLIENT_ID)
        .issuer(issuer)
        .claim("token_use", "id")
        .claim("cognito:username", "alice")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600)))
        .jwtID(UUID.randomUUID().toString());
  }

  private static JWTClaimsSet.Builder accessClaims(Instant now) {
    return new JWTClaimsSet.Builder()
        .subject(SUB)
        .issuer(issuer)
        .claim("client_id", CLIENT_ID)
        .claim("token_use", "access")
        .claim("username", "alice")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600)))
        .jwtID(UUID.randomUUID().toString());
  }

  private static String idToken(UnaryOperator<JWTClaimsSet.Builder> change) {
    return sign(KEY, change.apply(idClaims(Instant.now())).build());
  }

  private static String accessToken(UnaryOperator<JWTClaimsSet.Builder> change) {
    return sign(KEY, change.apply(accessClaims(Instant.now())).build());
  }

  private static String sign(RSAKey key, JWTClaimsSet claims) {
    try {
      return sign(new RSASSASigner(key.toPrivateKey()), JWSAlgorithm.RS256, key.getKeyID(), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static String noneToken() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString(
            ("{\"alg\":\"none\",\"kid\":\"" + KEY.getKeyID() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    String payload =
        b64.encodeToString(
            idClaims(Instant.now()).build().toString().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + ".";
  }

  private static JWSSigner hmacWithPublicKeyAsSecret() {
    try {
      byte[] secret = KEY.toRSAPublicKey().getEncoded();
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RSAKey newKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
