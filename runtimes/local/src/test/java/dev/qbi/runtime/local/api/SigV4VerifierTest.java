package dev.qbi.runtime.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.client.AwsCredentials;
import dev.qbi.client.SigV4Signer;
import dev.qbi.runtime.local.api.AdminAccess.AdminRequest;
import dev.qbi.runtime.local.api.AdminAccess.Refusal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The SigV4 check against AWS's published examples, the SDK's signer and altered requests. */
class SigV4VerifierTest {
  static final String KEY = "AKIDEXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final Instant EXAMPLE_TIME = Instant.parse("2015-08-30T12:36:00Z");
  static final Clock NOW = Clock.fixed(Instant.parse("2025-06-01T10:00:00Z"), ZoneOffset.UTC);

  private static Map<String, List<String>> headers(String... pairs) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i].toLowerCase(Locale.ROOT), List.of(pairs[i + 1]));
    }
    return out;
  }

  private static AdminRequest request(
      String method, String path, String query, Map<String, List<String>> headers, String body) {
    return new AdminRequest(
        method, path, query, headers, body.getBytes(StandardCharsets.UTF_8), null);
  }

  private static Optional<String> refusalType(AdminAccess access, AdminRequest request) {
    return access.refusal(request).map(Refusal::type);
  }

  @Test
  void the_published_get_vanilla_and_iam_examples_verify() {
    SigV4Verifier verifier =
        new SigV4Verifier(
            Map.of(KEY, SECRET),
            Set.of("service", "iam"),
            Clock.fixed(EXAMPLE_TIME, ZoneOffset.UTC));

    AdminRequest vanilla =
        request(
            "GET",
            "/",
            "",
            headers(
                "Host", "example.amazonaws.com",
                "X-Amz-Date", "20150830T123600Z",
                "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                        + " SignedHeaders=host;x-amz-date,"
                        + " Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            "");
    AdminRequest iam =
        request(
            "GET",
            "/",
            "Action=ListUsers&Version=2010-05-08",
            headers(
                "Host", "iam.amazonaws.com",
                "Content-Type", "application/x-www-form-urlencoded; charset=utf-8",
                "X-Amz-Date", "20150830T123600Z",
                "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request,"
                        + " SignedHeaders=content-type;host;x-amz-date,"
                        + " Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
            "");
    AdminRequest reordered =
        request(
            "GET",
            "/",
            "Param2=value2&Param1=value1",
            headers(
                "Host", "example.amazonaws.com",
                "X-Amz-Date", "20150830T123600Z",
                "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                        + " SignedHeaders=host;x-amz-date,"
                        + " Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
            "");

    assertThat(verifier.refusal(vanilla)).isEmpty();
    assertThat(verifier.refusal(iam)).isEmpty();
    assertThat(verifier.refusal(reordered)).isEmpty();
    // the same request with another query is another request
    AdminRequest otherQuery =
        request("GET", "/", "Action=ListUsers&Version=2010-05-09", iam.headers(), "");
    assertThat(refusalType(verifier, otherQuery)).hasValue("InvalidSignatureException");
  }

  @Test
  void an_sdk_signed_admin_route_with_an_encoded_path_and_query_verifies() {
    SigV4Verifier verifier = new SigV4Verifier(Map.of(KEY, SECRET), NOW);
    URI uri = URI.create("http://127.0.0.1:8080/admin/dead-letters/a%20b?limit=10&after=x%2Fy");
    SdkHttpRequest unsigned =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(uri)
            .putHeader("Content-Type", "application/json")
            .build();
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(AwsCredentialsIdentity.create(KEY, SECRET))
                        .request(unsigned)
                        .payload(ContentStreamProvider.fromUtf8String("{\"redrive\":true}"))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ingest")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "local")
                        .putProperty(HttpSigner.SIGNING_CLOCK, NOW))
            .request();
    Map<String, List<String>> received = new LinkedHashMap<>();
    signed.headers().forEach((k, v) -> received.put(k.toLowerCase(Locale.ROOT), v));
    received.put("host", List.of("127.0.0.1:8080"));

    AdminRequest ok =
        request("POST", uri.getRawPath(), uri.getRawQuery(), received, "{\"redrive\":true}");
    assertThat(verifier.refusal(ok)).isEmpty();
    AdminRequest otherBody =
        request("POST", uri.getRawPath(), uri.getRawQuery(), received, "{\"redrive\":false}");
    assertThat(refusalType(verifier, otherBody)).isPresent();
    AdminRequest otherPath =
        request(
            "POST", "/admin/dead-letters/a%20c", uri.getRawQuery(), received, "{\"redrive\":true}");
    assertThat(refusalType(verifier, otherPath)).hasValue("InvalidSignatureException");
  }

  @Test
  void the_client_modules_signer_is_accepted() {
    SigV4Verifier verifier = new SigV4Verifier(Map.of(KEY, SECRET), NOW);
    SigV4Signer signer =
        new SigV4Signer(new AwsCredentials(KEY, SECRET), "us-east-1", "cognito-idp", NOW);
    String body = "{\"UserPoolId\":\"p_1\",\"Username\":\"ann\"}";
    Map<String, String> sent = new LinkedHashMap<>();
    sent.put("Content-Type", "application/x-amz-json-1.1");
    sent.put("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminConfirmSignUp");
    sent.putAll(
        signer.sign(
            "POST",
            URI.create("http://127.0.0.1:8080/"),
            Map.copyOf(sent),
            body.getBytes(StandardCharsets.UTF_8)));
    Map<String, List<String>> received = new LinkedHashMap<>();
    sent.forEach((k, v) -> received.put(k.toLowerCase(Locale.ROOT), List.of(v)));
    received.put("host", List.of("127.0.0.1:8080"));

    assertThat(verifier.refusal(request("POST", "/", "", received, body))).isEmpty();

    // replaying the signature on another action is refused
    Map<String, List<String>> otherAction = new LinkedHashMap<>(received);
    otherAction.put("x-amz-target", List.of("AWSCognitoIdentityProviderService.AdminDeleteUser"));
    assertThat(refusalType(verifier, request("POST", "/", "", otherAction, body)))
        .hasValue("InvalidSignatureException");
    // a new x-amz-* header must be signed
    Map<String, List<String>> extra = new LinkedHashMap<>(received);
    extra.put("x-amz-security-token", List.of("anything"));
    assertThat(refusalType(verifier, request("POST", "/", "", extra, body)))
        .hasValue("InvalidSignatureException");
    // a declared payload hash must be the body's
    Map<String, List<String>> declared = new LinkedHashMap<>(received);
    declared.put("x-amz-content-sha256", List.of("UNSIGNED-PAYLOAD"));
    assertThat(verifier.refusal(request("POST", "/", "", declared, body)))
        .map(Refusal::message)
        .hasValueSatisfying(m -> assertThat(m).contains("x-amz-content-sha256"));
  }

  @Test
  void missing_unknown_stale_and_malformed_signatures_get_aws_error_types() {
    SigV4Verifier verifier = new SigV4Verifier(Map.of(KEY, SECRET), NOW);

    assertThat(refusalType(verifier, request("GET", "/admin", "", headers(), "")))
        .hasValue("MissingAuthenticationTokenException");
    assertThat(
            refusalType(
                verifier, request("GET", "/admin", "", headers("Authorization", "Bearer x"), "")))
        .hasValue("IncompleteSignatureException");
    assertThat(refusalType(verifier, signedAt("ingest", NOW, KEY, "other-secret")))
        .hasValue("InvalidSignatureException");
    assertThat(refusalType(verifier, signedAt("ingest", NOW, "AKIDOTHER", SECRET)))
        .hasValue("UnrecognizedClientException");
    for (Duration off : List.of(Duration.ofMinutes(-16), Duration.ofMinutes(16))) {
      Clock then = Clock.offset(NOW, off);
      assertThat(refusalType(verifier, signedAt("ingest", then, KEY, SECRET)))
          .as("signed %s from now", off)
          .hasValue("InvalidSignatureException");
    }
    Clock nearly = Clock.offset(NOW, Duration.ofMinutes(-14));
    assertThat(verifier.refusal(signedAt("ingest", nearly, KEY, SECRET))).isEmpty();
    assertThat(refusalType(verifier, signedAt("s3", NOW, KEY, SECRET)))
        .hasValue("InvalidSignatureException");
    assertThat(verifier.allows(signedAt("ingest", NOW, KEY, SECRET))).isTrue();
  }

  /** A GET of /admin/x for {@code service}, signed at {@code clock}'s time by key and secret. */
  private static AdminRequest signedAt(String service, Clock clock, String key, String secret) {
    SigV4Signer signer =
        new SigV4Signer(new AwsCredentials(key, secret), "eu-west-1", service, clock);
    Map<String, String> h =
        signer.sign("GET", URI.create("http://localhost:9/admin/x"), Map.of(), new byte[0]);
    Map<String, List<String>> received = new LinkedHashMap<>();
    h.forEach((k, v) -> received.put(k.toLowerCase(Locale.ROOT), List.of(v)));
    received.put("host", List.of("localhost:9"));
    return request("GET", "/admin/x", "", received, "");
  }
}
