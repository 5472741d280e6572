package dev.qbi.runtime.local.api;

import dev.qbi.client.SigV4;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AdminAccess} by AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256
 * Credential=<key id>/<yyyyMMdd>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...}
 * with {@code X-Amz-Date}), as AWS checks IAM credentials: the signature is computed again from the
 * request as received (method, path, query, the signed headers, the SHA-256 of the body) with the
 * secret of the named key, and compared in constant time. Any region is accepted; the service must
 * be {@code cognito-idp} (the Cognito protocol) or {@code ingest} (the {@code /admin} routes). The
 * {@code Host}, {@code X-Amz-Date} and every other {@code x-amz-*} header sent must be signed; a
 * request dated more than 15 minutes from now is refused, and so is an {@code x-amz-content-sha256}
 * that is not the body's hash. Refusals use AWS's error types.
 */
final class SigV4Verifier implements AdminAccess {
  private static final Logger LOG = LoggerFactory.getLogger(SigV4Verifier.class);

  static final String ALGORITHM = SigV4.ALGORITHM;
  static final Set<String> SERVICES = Set.of("cognito-idp", "ingest");
  static final Duration MAX_SKEW = Duration.ofMinutes(15);

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final Pattern HEX_SIGNATURE = Pattern.compile("[0-9a-f]{64}");
  private static final HexFormat HEX = HexFormat.of();
  private static final String MISMATCH =
      "The request signature we calculated does not match the signature you provided. Check your"
          + " AWS Secret Access Key and signing method. Consult the service documentation for"
          + " details.";

  private final Map<String, String> secrets;
  private final Set<String> services;
  private final Clock clock;

  /**
   * @param secrets secret access key by access key id
   */
  SigV4Verifier(Map<String, String> secrets, Clock clock) {
    this(secrets, SERVICES, clock);
  }

  /** Accepting the services named (tests: AWS's published examples use others). */
  SigV4Verifier(Map<String, String> secrets, Set<String> services, Clock clock) {
    this.secrets = Map.copyOf(secrets);
    this.services = Set.copyOf(services);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean allows(AdminRequest request) {
    return refusal(request).isEmpty();
  }

  @Override
  public Optional<Refusal> refusal(AdminRequest request) {
    Optional<Refusal> refusal = check(request);
    refusal.ifPresent(
        r ->
            LOG.warn(
                "Refused an admin request {} {} from {}: {}",
                request.method(),
                request.path(),
                request.peer(),
                r.type()));
    return refusal;
  }

  private Optional<Refusal> check(AdminRequest request) {
    Optional<String> authorization = request.header("authorization");
    if (authorization.isEmpty() || authorization.get().isBlank()) {
      return refuse("MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    String auth = authorization.get().strip();
    if (!auth.startsWith(ALGORITHM + " ")) {
      return refuse(
          "IncompleteSignatureException",
          "Authorization header must use " + ALGORITHM + " (AWS Signature Version 4).");
    }
    Map<String, String> params = parameters(auth.substring(ALGORITHM.length() + 1));
    String credential = params.get("Credential");
    String signedHeaders = params.get("SignedHeaders");
    String signature = params.get("Signature");
    if (credential == null || signedHeaders == null || signature == null) {
      return refuse(
          "IncompleteSignatureException",
          "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.");
    }
    String[] scope = credential.split("/", -1);
    if (scope.length != 5 || !"aws4_request".equals(scope[4]) || scope[2].isEmpty()) {
      return refuse(
          "IncompleteSignatureException",
          "Credential must be <access key id>/<date>/<region>/<service>/aws4_request.");
    }
    if (!services.contains(scope[3])) {
      return refuse(
          "InvalidSignatureException",
          "Credential should be scoped to correct service: 'cognito-idp' or 'ingest'.");
    }
    String secret = secrets.get(scope[0]);
    if (secret == null) {
      return refuse(
          "UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    String amzDate = request.header("x-amz-date").orElse("");
    Instant date;
    try {
      date = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return refuse(
          "IncompleteSignatureException",
          "Authorization header requires an 'X-Amz-Date' header (yyyyMMdd'T'HHmmss'Z').");
    }
    Instant now = clock.instant();
    if (Duration.between(date, now).abs().compareTo(MAX_SKEW) > 0) {
      return refuse(
          "InvalidSignatureException",
          "Signature expired: "
              + amzDate
              + " is not within 15 min. of "
              + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)));
    }
    if (!scope[1].equals(amzDate.substring(0, 8))) {
      return refuse(
          "InvalidSignatureException",
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from"
              + " HTTP: '"
              + scope[1]
              + "' != '"
              + amzDate.substring(0, 8)
              + "'");
    }
    List<String> names = List.of(signedHeaders.split(";", -1));
    Set<String> signed = new LinkedHashSet<>(names);
    if (!signed.contains("host") || !signed.contains("x-amz-date")) {
      return refuse(
          "InvalidSignatureException", "'Host' and 'X-Amz-Date' must be among the signed headers.");
    }
    for (String name : request.headers().keySet()) {
      if (name.startsWith("x-amz-") && !signed.contains(name)) {
        return refuse("InvalidSignatureException", "Header '" + name + "' must be signed.");
      }
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : names) {
      List<String> values = request.headers().get(name);
      if (values == null || values.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
        return refuse("InvalidSignatureException", MISMATCH);
      }
      List<String> trimmed = new ArrayList<>();
      values.forEach(v -> trimmed.add(SigV4.canonicalHeaderValue(v)));
      canonicalHeaders.append(name).append(':').append(String.join(",", trimmed)).append('\n');
    }
    String payloadHash = SigV4.hex(SigV4.sha256(request.body()));
    Optional<String> declared = request.header("x-amz-content-sha256");
    if (declared.isPresent() && !declared.get().equalsIgnoreCase(payloadHash)) {
      return refuse(
          "InvalidSignatureException",
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    String credentialScope = scope[1] + "/" + scope[2] + "/" + scope[3] + "/aws4_request";
    byte[] key = SigV4.signingKey(secret, scope[1], scope[2], scope[3]);
    byte[] given = signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    boolean valid = HEX_SIGNATURE.matcher(signature).matches();
    // every service but S3 signs the path encoded once more; accept a path signed as sent, too
    for (String uri :
        new LinkedHashSet<>(List.of(SigV4.canonicalUri(request.path()), request.path()))) {
      String canonicalRequest =
          request.method()
              + "\n"
              + (uri.isEmpty() ? "/" : uri)
              + "\n"
              + SigV4.canonicalQuery(request.rawQuery())
              + "\n"
              + canonicalHeaders
              + "\n"
              + signedHeaders
              + "\n"
              + payloadHash;
      String stringToSign = SigV4.stringToSign(amzDate, credentialScope, canonicalRequest);
      byte[] expected =
          SigV4.hex(SigV4.hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
      if (MessageDigest.isEqual(expected, given) && valid) {
        return Optional.empty();
      }
    }
    return refuse("InvalidSignatureException", MISMATCH);
  }

  private static Optional<Refusal> refuse(String type, String message) {
    return Optional.of(new Refusal(type, message));
  }

  /** {@code Credential=..., SignedHeaders=..., Signature=...} (commas, optional spaces). */
  private static Map<String, String> parameters(String text) {
    Map<String, String> out = new HashMap<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq > 0) {
        out.putIfAbsent(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
      }
    }
    return out;
  }
}
