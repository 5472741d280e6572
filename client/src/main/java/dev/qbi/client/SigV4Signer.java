package dev.qbi.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 ({@code AWS4-HMAC-SHA256}) for one region and service: what the AWS SDKs
 * and CLI do to a request before sending it, here for the JDK's HTTP client. {@link #sign} returns
 * the headers to add ({@code X-Amz-Date}, {@code Authorization}); the signature covers the method,
 * path, query, the {@code Host} and every header given, and the SHA-256 of the body.
 */
public final class SigV4Signer {
  /** The signing algorithm, first word of the {@code Authorization} header. */
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();

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
    headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), canonical(value)));
    signed.put("host", uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
    signed.put("x-amz-date", amzDate);
    String signedHeaders = String.join(";", signed.keySet());
    String canonicalRequest =
        canonicalRequest(
            method, uri.getRawPath(), uri.getRawQuery(), signed, signedHeaders, hex(sha256(body)));
    String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
    String stringToSign =
        ALGORITHM
            + "\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key =
        hmac(
            ("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8),
            amzDate.substring(0, 8));
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, stringToSign));
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
        + canonicalUri(rawPath)
        + "\n"
        + canonicalQuery(rawQuery)
        + "\n"
        + headers
        + "\n"
        + signedHeaders
        + "\n"
        + payloadHash;
  }

  private static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    List<String> segments = new ArrayList<>();
    for (String segment : rawPath.split("/", -1)) {
      segments.add(encode(segment));
    }
    return String.join("/", segments);
  }

  private static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      pairs.add(new String[] {encode(decode(name)), encode(decode(value))});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    List<String> joined = new ArrayList<>();
    for (String[] p : pairs) {
      joined.add(p[0] + "=" + p[1]);
    }
    return String.join("&", joined);
  }

  /** Percent-encodes every byte but the unreserved {@code A-Z a-z 0-9 - _ . ~}. */
  static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
      }
    }
    return out.toString();
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String canonical(String value) {
    return value.strip().replaceAll(" +", " ");
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
