package dev.qbi.adapters.local.files;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks expiring download links: {@code signature = base64url(HMAC-SHA256(secret, path +
 * "\n" + expires))}, where {@code expires} is in epoch seconds. For {@link FilePayloadStore}'s
 * links, the signed path is the object key (the URL path after {@code /download/}).
 */
public final class UrlSigner {

  /** How a link checks out. */
  public enum Verdict {
    OK,
    /** Genuine but past its expiry. */
    EXPIRED,
    /** Missing, malformed or tampered parameters, or a signature that does not match. */
    INVALID
  }

  /** The smallest secret accepted. */
  public static final int MIN_SECRET_BYTES = 16;

  private static final String ALGORITHM = "HmacSHA256";
  private static final int MAX_PARAM_CHARS = 200;

  private final SecretKeySpec key;
  private final Clock clock;

  public UrlSigner(byte[] secret, Clock clock) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "URL-signing secret must have at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Clock clock() {
    return clock;
  }

  /** The base64url (unpadded) signature of {@code path} expiring at {@code expiresEpochSeconds}. */
  public String sign(String path, long expiresEpochSeconds) {
    Objects.requireNonNull(path, "path");
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(path, expiresEpochSeconds));
  }

  /** The expiry (epoch seconds) of a link made now that lives for {@code ttl}. */
  public long expiryFor(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    return clock.instant().plus(ttl).getEpochSecond();
  }

  /**
   * Checks a link's query parameters against {@code path}. Never throws: anything missing or
   * malformed is {@link Verdict#INVALID}. The signature is compared in constant time, and checked
   * before the expiry, so a tampered expiry is INVALID rather than EXPIRED.
   */
  public Verdict verify(String path, String expiresParam, String signatureParam) {
    if (path == null
        || expiresParam == null
        || signatureParam == null
        || expiresParam.isEmpty()
        || expiresParam.length() > 19
        || signatureParam.length() > MAX_PARAM_CHARS) {
      return Verdict.INVALID;
    }
    for (int i = 0; i < expiresParam.length(); i++) {
      char c = expiresParam.charAt(i);
      if (c < '0' || c > '9') {
        return Verdict.INVALID;
      }
    }
    long expires;
    byte[] presented;
    try {
      expires = Long.parseLong(expiresParam);
      presented = Base64.getUrlDecoder().decode(signatureParam);
    } catch (IllegalArgumentException e) {
      return Verdict.INVALID;
    }
    if (!Long.toString(expires).equals(expiresParam)) {
      return Verdict.INVALID; // leading zeros: not the string we signed
    }
    byte[] expected = mac(path, expires);
    if (!MessageDigest.isEqual(expected, presented)) {
      return Verdict.INVALID;
    }
    return clock.instant().isAfter(Instant.ofEpochSecond(expires)) ? Verdict.EXPIRED : Verdict.OK;
  }

  private byte[] mac(String path, long expires) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(path.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '\n');
      return mac.doFinal(Long.toString(expires).getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }
}
