package dev.qbi.runtime.local.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.runtime.local.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate files: PEM reading, the validity warning, the self-signed one's renewal. */
class TlsFilesTest {
  @TempDir Path work;

  private static final Set<String> LOCAL =
      new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));

  @Test
  void a_chain_is_read_in_order_with_text_around_the_blocks() throws Exception {
    TestCertificates.Pair leaf = TestCertificates.write(work.resolve("a"), "EC");
    TestCertificates.Pair issuer = TestCertificates.write(work.resolve("b"), "RSA");
    Path chain = work.resolve("chain.pem");
    Files.writeString(
        chain,
        "subject=CN=localhost\n"
            + Files.readString(leaf.cert())
            + "issuer\n"
            + Files.readString(issuer.cert()));
    Path key = work.resolve("key.pem");
    Files.writeString(key, "Bag Attributes\n" + Files.readString(leaf.key()));

    ServerCertificate c = PemFiles.load(chain, key, Clock.systemUTC());

    assertThat(c.chain()).containsExactly(leaf.certificate(), issuer.certificate());
    assertThat(c.leaf()).isEqualTo(leaf.certificate());
    assertThat(c.selfSigned()).isFalse();
    assertThat(c.sha256Fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void dates_outside_the_validity_are_a_warning_saying_why() {
    Instant now = Instant.parse("2026-06-01T00:00:00Z");
    TestCertificates.Pair p =
        TestCertificates.write(
            work,
            "EC",
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(PemFiles.validityProblem(p.certificate(), now))
        .hasValueSatisfying(m -> assertThat(m).startsWith("expired on 2026-03-01T00:00:00Z"));
    assertThat(PemFiles.validityProblem(p.certificate(), Instant.parse("2025-12-01T00:00:00Z")))
        .hasValueSatisfying(m -> assertThat(m).startsWith("is not valid before"));
    assertThat(PemFiles.validityProblem(p.certificate(), Instant.parse("2026-02-01T00:00:00Z")))
        .isEmpty();
    // and the files load all the same
    Clock at = Clock.fixed(now, ZoneOffset.UTC);
    assertThat(PemFiles.load(p.cert(), p.key(), at).leaf()).isEqualTo(p.certificate());
  }

  @Test
  void the_self_signed_certificate_is_renewed_before_it_expires() throws Exception {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    ServerCertificate made =
        SelfSignedCertificate.loadOrCreate(work, LOCAL, Clock.fixed(start, ZoneOffset.UTC));
    assertThat(made.generated()).isTrue();
    assertThat(made.leaf().getNotAfter().toInstant())
        .isEqualTo(start.plus(SelfSignedCertificate.LIFETIME));
    // the client side verifies it: a CA for itself, for TLS servers
    assertThat(made.leaf().getBasicConstraints()).isZero();
    assertThat(made.leaf().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

    Instant later = start.plus(SelfSignedCertificate.LIFETIME).minus(Duration.ofDays(31));
    ServerCertificate kept =
        SelfSignedCertificate.loadOrCreate(work, LOCAL, Clock.fixed(later, ZoneOffset.UTC));
    assertThat(kept.generated()).isFalse();
    assertThat(kept.leaf()).isEqualTo(made.leaf());

    Instant late = start.plus(SelfSignedCertificate.LIFETIME).minus(Duration.ofDays(29));
    ServerCertificate renewed =
        SelfSignedCertificate.loadOrCreate(work, LOCAL, Clock.fixed(late, ZoneOffset.UTC));
    assertThat(renewed.generated()).isTrue();
    assertThat(renewed.leaf().getNotAfter().toInstant()).isAfter(late.plus(Duration.ofDays(300)));
  }

  @Test
  void a_damaged_self_signed_pair_is_made_again() throws Exception {
    Clock clock = Clock.systemUTC();
    ServerCertificate made = SelfSignedCertificate.loadOrCreate(work, LOCAL, clock);
    Files.writeString(work.resolve("tls/key.pem"), "not a key");

    ServerCertificate again = SelfSignedCertificate.loadOrCreate(work, LOCAL, clock);

    assertThat(again.generated()).isTrue();
    assertThat(again.leaf()).isNotEqualTo(made.leaf());
    assertThat(
            PemFiles.load(work.resolve("tls/cert.pem"), work.resolve("tls/key.pem"), clock).leaf())
        .isEqualTo(again.leaf());
  }

  @Test
  void addresses_are_compared_in_one_form() throws Exception {
    ServerCertificate made = SelfSignedCertificate.loadOrCreate(work, LOCAL, Clock.systemUTC());
    assertThat(SelfSignedCertificate.missing(made.leaf(), Set.of("0:0:0:0:0:0:0:1", "LOCALHOST")))
        .isEmpty();
    assertThat(
            SelfSignedCertificate.missing(made.leaf(), Set.of("::1", "example.test", "10.0.0.1")))
        .containsExactlyInAnyOrder("example.test", "10.0.0.1");
  }
}
