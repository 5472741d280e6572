package dev.qbi.client;

import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * AWS Signature Version 4 ({@code AWS4-HMAC-SHA256}) for one region and service: what the AWS SDKs
 * and CLI do to a request before sending it, here for the JDK's HTTP client. {@link #sign} returns
 * the headers to add ({@code X-Amz-Date}, {@code Authorization}); the signature covers the method,
 * path, query, the {@code Host} and every header given, and the SHA-256 of the body.
 */
public final class SigV4Signer {
  /** The signing algorithm, first word of the {@code Authorization} header. */
  public static final String ALGORITHM = SigV4.ALGORITHM;

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final AwsCredentials credentials;
  private final String region;
  private final String service;
  private final Clock clock;

  /**
   * Signs for {@code region} and {@code service} (e.g. {@code cognito-idp}) at the current time.
   */
  public SigV4Signer(AwsCredentials credentials, String region, String service) {
    this(credentials, region, service, Clock.systemUTC());
  }

  /** Signs with the time of {@code clock}. */
  public SigV4Signer(AwsCredentials credentials, String region, String service, Clock clock) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.region = Objects.requireNonNull(region, "region");
    this.service = Objects.requireNonNull(service, "service");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The headers that sign a request: {@code X-Amz-Date} and {@code Authorization}.
   *
   * @param uri the request's URL (its host and port become the signed {@code Host})
   * @param headers the other headers the request will carry, all of them signed
   * @param body the exact body bytes
   */
  public Map<String, String> sign(
      String method, URI uri, Map<String, String> headers, byte[] body) {
    String amzDate = AMZ_DATE.format(clock.instant());
    TreeMap<String, String> signed = new TreeMap<>();
    headers.forEach(
        (name, value) ->
            signed.put(name.toLowerCase(Locale.ROOT), SigV4.canonicalHeaderValue(value)));
    signed.put("host", uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
    signed.put("x-amz-date", amzDate);
    String signedHeaders = String.join(";", signed.keySet());
    String canonicalRequest =
        canonicalRequest(
            method, uri.getRawPath(), uri.getRawQuery(), signed, signedHeaders, hex(sha256(body)));
    String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
    String stringToSign = SigV4.stringToSign(amzDate, scope, canonicalRequest);
    byte[] key =
        SigV4.signingKey(credentials.secretAccessKey(), amzDate.substring(0, 8), region, service);
    String signature = hex(SigV4.hmac(key, stringToSign));
    Map<String, String> out = new LinkedHashMap<>();
    out.put("X-Amz-Date", amzDate);
    out.put(
        "Authorization",
        ALGORITHM
            + " Credential="
            + credentials.accessKeyId()
            + "/"
            + scope
            + ", SignedHeaders="
            + signedHeaders
            + ", Signature="
            + signature);
    return out;
  }

  /**
   * The canonical request of the specification: method, canonical URI (each path segment encoded
   * once more, as for every service but S3), canonical query string, canonical headers, signed
   * headers and the payload's hash.
   */
  static String canonicalRequest(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, String> sortedHeaders,
      String signedHeaders,
      String payloadHash) {
    StringBuilder headers = new StringBuilder();
    sortedHeaders.forEach(
        (name, value) -> headers.append(name).append(':').append(value).append('\n'));
    return method
        + "\n"
        + SigV4.canonicalUri(rawPath)
        + "\n"
        + SigV4.canonicalQuery(rawQuery)
        + "\n"
        + headers
        + "\n"
        + signedHeaders
        + "\n"
        + payloadHash;
  }

  /** Percent-encodes every byte but the unreserved {@code A-Z a-z 0-9 - _ . ~}. */
  static String encode(String s) {
    return SigV4.uriEncode(s);
  }

  static byte[] sha256(byte[] data) {
    return SigV4.sha256(data);
  }

  static String hex(byte[] bytes) {
    return SigV4.hex(bytes);
  }
}
