package dev.qbi.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The signer against the examples AWS publishes for Signature Version 4. */
class SigV4SignerTest {
  static final AwsCredentials EXAMPLE =
      new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  static final Clock AT = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

  @Test
  void get_vanilla_of_the_aws_test_suite() {
    Map<String, String> headers =
        new SigV4Signer(EXAMPLE, "us-east-1", "service", AT)
            .sign("GET", URI.create("https://example.amazonaws.com/"), Map.of(), new byte[0]);

    assertThat(headers)
        .containsEntry("X-Amz-Date", "20150830T123600Z")
        .containsEntry(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                + " SignedHeaders=host;x-amz-date,"
                + " Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  }

  @Test
  void query_parameters_are_sorted_before_signing() {
    Map<String, String> headers =
        new SigV4Signer(EXAMPLE, "us-east-1", "service", AT)
            .sign(
                "GET",
                URI.create("https://example.amazonaws.com/?Param2=value2&Param1=value1"),
                Map.of(),
                new byte[0]);

    assertThat(headers.get("Authorization"))
        .endsWith("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  }

  @Test
  void the_iam_list_users_example_of_the_documentation() {
    URI uri = URI.create("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08");
    String contentType = "application/x-www-form-urlencoded; charset=utf-8";
    TreeMap<String, String> sorted = new TreeMap<>();
    sorted.put("content-type", contentType);
    sorted.put("host", "iam.amazonaws.com");
    sorted.put("x-amz-date", "20150830T123600Z");
    String canonical =
        SigV4Signer.canonicalRequest(
            "GET",
            uri.getRawPath(),
            uri.getRawQuery(),
            sorted,
            "content-type;host;x-amz-date",
            SigV4Signer.hex(SigV4Signer.sha256(new byte[0])));
    assertThat(SigV4Signer.hex(SigV4Signer.sha256(canonical.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");

    Map<String, String> headers =
        new SigV4Signer(EXAMPLE, "us-east-1", "iam", AT)
            .sign("GET", uri, Map.of("Content-Type", contentType), new byte[0]);
    assertThat(headers.get("Authorization"))
        .isEqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request,"
                + " SignedHeaders=content-type;host;x-amz-date,"
                + " Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  }

  @Test
  void the_body_and_the_port_are_signed() {
    SigV4Signer signer = new SigV4Signer(EXAMPLE, "us-east-1", "cognito-idp", AT);
    URI uri = URI.create("http://127.0.0.1:8080/");
    String a =
        signer
            .sign("POST", uri, Map.of(), "{}".getBytes(StandardCharsets.UTF_8))
            .get("Authorization");
    String b =
        signer
            .sign("POST", uri, Map.of(), "{ }".getBytes(StandardCharsets.UTF_8))
            .get("Authorization");
    String c =
        signer
            .sign(
                "POST",
                URI.create("http://127.0.0.1:8081/"),
                Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8))
            .get("Authorization");

    assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void encoding_keeps_only_unreserved_characters() {
    assertThat(SigV4Signer.encode("a-Z_0.~ /=%é")).isEqualTo("a-Z_0.~%20%2F%3D%25%C3%A9");
  }
}
