package dev.qbi.adapters.local.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.testing.MutableClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlSignerTest {

  private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
  private final byte[] secret = filled(32, (byte) 7);
  private final UrlSigner signer = new UrlSigner(secret, clock);
  private final String path = "jobs/5f0c1a8e-7d0e-4a5b-9c1d-2e3f4a5b6c7d.json";

  private static byte[] filled(int n, byte b) {
    byte[] out = new byte[n];
    Arrays.fill(out, b);
    return out;
  }

  @Test
  void a_fresh_signature_verifies() {
    long expires = signer.expiryFor(Duration.ofMinutes(10));

    assertThat(signer.verify(path, Long.toString(expires), signer.sign(path, expires)))
        .isEqualTo(UrlSigner.Verdict.OK);
  }

  @Test
  void a_signature_is_valid_up_to_its_expiry_second_and_expired_after() {
    long expires = signer.expiryFor(Duration.ofSeconds(60));
    String signature = signer.sign(path, expires);

    clock.advance(Duration.ofSeconds(60));
    assertThat(signer.verify(path, Long.toString(expires), signature))
        .isEqualTo(UrlSigner.Verdict.OK);
    clock.advance(Duration.ofSeconds(1));
    assertThat(signer.verify(path, Long.toString(expires), signature))
        .isEqualTo(UrlSigner.Verdict.EXPIRED);
  }

  @Test
  void tampered_path_expiry_or_signature_is_invalid() {
    long expires = signer.expiryFor(Duration.ofMinutes(10));
    String signature = signer.sign(path, expires);
    String e = Long.toString(expires);

    assertThat(signer.verify(path + "x", e, signature)).isEqualTo(UrlSigner.Verdict.INVALID);
    assertThat(signer.verify(path, Long.toString(expires + 1), signature))
        .isEqualTo(UrlSigner.Verdict.INVALID);
    assertThat(signer.verify(path, "0" + e, signature)).isEqualTo(UrlSigner.Verdict.INVALID);
    char first = signature.charAt(0);
    String flipped = (first == 'A' ? 'B' : 'A') + signature.substring(1);
    assertThat(signer.verify(path, e, flipped)).isEqualTo(UrlSigner.Verdict.INVALID);
    assertThat(signer.verify(path, e, signature.substring(0, 20)))
        .isEqualTo(UrlSigner.Verdict.INVALID);
  }

  @Test
  void a_tampered_expiry_in_the_past_is_invalid_not_expired() {
    long expires = signer.expiryFor(Duration.ofMinutes(10));
    String signature = signer.sign(path, expires);

    assertThat(signer.verify(path, "1", signature)).isEqualTo(UrlSigner.Verdict.INVALID);
  }

  @Test
  void missing_or_malformed_parameters_are_invalid_and_never_throw() {
    long expires = signer.expiryFor(Duration.ofMinutes(10));
    String signature = signer.sign(path, expires);
    String e = Long.toString(expires);
    List<String[]> cases =
        List.of(
            new String[] {null, e, signature},
            new String[] {path, null, signature},
            new String[] {path, e, null},
            new String[] {path, "", signature},
            new String[] {path, "-1", signature},
            new String[] {path, "+" + e, signature},
            new String[] {path, "12ab", signature},
            new String[] {path, "99999999999999999999999", signature},
            new String[] {path, "9223372036854775807", signature},
            new String[] {path, e, ""},
            new String[] {path, e, "not base64 at all!"},
            new String[] {path, e, "%%%"},
            new String[] {path, e, "A".repeat(10_000)});
    for (String[] c : cases) {
      assertThat(signer.verify(c[0], c[1], c[2]))
          .as("%s / %s / %s", c[0], c[1], c[2] == null ? null : c[2].length())
          .isEqualTo(UrlSigner.Verdict.INVALID);
    }
  }

  @Test
  void another_secret_makes_another_signature() {
    UrlSigner other = new UrlSigner(filled(32, (byte) 8), clock);
    long expires = signer.expiryFor(Duration.ofMinutes(10));

    assertThat(other.sign(path, expires)).isNotEqualTo(signer.sign(path, expires));
    assertThat(signer.verify(path, Long.toString(expires), other.sign(path, expires)))
        .isEqualTo(UrlSigner.Verdict.INVALID);
  }

  @Test
  void short_secrets_and_non_positive_ttls_are_refused() {
    assertThatThrownBy(() -> new UrlSigner(new byte[8], clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.expiryFor(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_signer_keeps_its_own_copy_of_the_secret() {
    byte[] mine = filled(32, (byte) 1);
    UrlSigner s = new UrlSigner(mine, clock);
    long expires = s.expiryFor(Duration.ofMinutes(1));
    String before = s.sign(path, expires);

    Arrays.fill(mine, (byte) 2);

    assertThat(s.sign(path, expires)).isEqualTo(before);
  }
}
