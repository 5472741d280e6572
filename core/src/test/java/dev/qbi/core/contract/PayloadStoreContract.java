package dev.qbi.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qbi.core.job.JobId;
import dev.qbi.core.port.PayloadStore;
import dev.qbi.core.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PayloadStore} adapter must do. Subclass once per adapter and implement {@link
 * #createStore}. The link tests run only when the adapter can judge its own links ({@link
 * #linkJudge}); an S3 emulator that ignores signatures cannot.
 */
public abstract class PayloadStoreContract {

  /** Says whether the runtime that serves links would hand out the content for a link now. */
  @FunctionalInterface
  protected interface LinkJudge {
    boolean allows(URI link);
  }

  protected static final Duration TTL = Duration.ofHours(1);

  protected MutableClock clock;
  protected PayloadStore store;

  /** A new, empty store whose links expire by {@code clock}. */
  protected abstract PayloadStore createStore(MutableClock clock) throws Exception;

  /** How this adapter's links are checked; empty when they cannot be checked in a test. */
  protected Optional<LinkJudge> linkJudge() {
    return Optional.empty();
  }

  /** The query parameter holding the link's expiry (S3: {@code X-Amz-Expires}). */
  protected String expiryParameter() {
    return "expires";
  }

  /** The query parameter holding the link's signature (S3: {@code X-Amz-Signature}). */
  protected String signatureParameter() {
    return "signature";
  }

  @BeforeEach
  void createStoreUnderTest() throws Exception {
    clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    store = createStore(clock);
  }

  protected static String newKey() {
    return "jobs/" + JobId.random() + ".json";
  }

  protected static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void stored_payload_is_read_back_byte_for_byte() {
    String key = newKey();
    byte[] content = utf8("{\"temperature\":21.5,\"city\":\"Zürich\"}");

    store.put(key, content, "application/json");

    assertThat(store.get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
  }

  @Test
  void rewriting_a_key_replaces_its_content() {
    String key = newKey();
    store.put(key, utf8("{\"v\":1}"), "application/json");

    store.put(key, utf8("{\"v\":2}"), "application/json");

    assertThat(store.get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("{\"v\":2}")));
  }

  @Test
  void missing_key_is_empty() {
    assertThat(store.get(newKey())).isEmpty();
  }

  @Test
  void keys_hold_independent_contents() {
    String a = newKey();
    String b = newKey();
    store.put(a, utf8("{\"a\":1}"), "application/json");
    store.put(b, utf8("{\"b\":1}"), "application/json");

    assertThat(store.get(a)).hasValueSatisfying(x -> assertThat(x).isEqualTo(utf8("{\"a\":1}")));
    assertThat(store.get(b)).hasValueSatisfying(x -> assertThat(x).isEqualTo(utf8("{\"b\":1}")));
  }

  @Test
  void empty_payload_is_stored() {
    String key = newKey();
    store.put(key, new byte[0], "application/json");

    assertThat(store.get(key)).hasValueSatisfying(b -> assertThat(b).isEmpty());
  }

  @Test
  void presigned_link_is_an_absolute_url_naming_the_key() {
    String key = newKey();
    store.put(key, utf8("{}"), "application/json");

    URI link = store.presign(key, TTL);

    assertThat(link.isAbsolute()).isTrue();
    assertThat(link.getScheme()).isIn("http", "https");
    assertThat(link.getRawPath()).endsWith("/" + key);
    assertThat(link.getRawQuery()).contains(signatureParameter() + "=");
  }

  @Test
  void valid_link_is_accepted() {
    LinkJudge judge = judge();
    String key = newKey();
    store.put(key, utf8("{}"), "application/json");

    assertThat(judge.allows(store.presign(key, TTL))).isTrue();
  }

  @Test
  void link_still_valid_just_before_it_expires() {
    LinkJudge judge = judge();
    String key = newKey();
    URI link = store.presign(key, TTL);

    clock.advance(TTL.minusSeconds(1));

    assertThat(judge.allows(link)).isTrue();
  }

  @Test
  void expired_link_is_refused() {
    LinkJudge judge = judge();
    String key = newKey();
    URI link = store.presign(key, TTL);

    clock.advance(TTL.plusSeconds(1));

    assertThat(judge.allows(link)).isFalse();
  }

  @Test
  void link_with_another_key_in_its_path_is_refused() {
    LinkJudge judge = judge();
    String signed = newKey();
    String other = newKey();
    store.put(signed, utf8("{}"), "application/json");
    store.put(other, utf8("{\"secret\":true}"), "application/json");
    URI link = store.presign(signed, TTL);

    URI tampered = URI.create(link.toString().replace(signed, other));

    assertThat(tampered).isNotEqualTo(link);
    assertThat(judge.allows(tampered)).isFalse();
  }

  @Test
  void link_with_a_changed_expiry_is_refused() {
    LinkJudge judge = judge();
    URI link = store.presign(newKey(), TTL);
    String expiry = parameter(link, expiryParameter());

    URI later = withParameter(link, expiryParameter(), Long.toString(Long.parseLong(expiry) + 1));

    assertThat(judge.allows(later)).isFalse();
  }

  @Test
  void link_with_a_changed_signature_is_refused() {
    LinkJudge judge = judge();
    URI link = store.presign(newKey(), TTL);
    String signature = parameter(link, signatureParameter());
    String forged = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);

    assertThat(judge.allows(withParameter(link, signatureParameter(), forged))).isFalse();
    assertThat(judge.allows(withParameter(link, signatureParameter(), ""))).isFalse();
  }

  @Test
  void link_without_its_signature_is_refused() {
    LinkJudge judge = judge();
    URI link = store.presign(newKey(), TTL);

    String query = link.getRawQuery().replaceAll("(^|&)" + signatureParameter() + "=[^&]*", "");
    URI stripped = URI.create(link.toString().replace(link.getRawQuery(), query));

    assertThat(judge.allows(stripped)).isFalse();
  }

  private LinkJudge judge() {
    Optional<LinkJudge> judge = linkJudge();
    assumeTrue(judge.isPresent(), "this adapter's links cannot be checked in a test");
    return judge.get();
  }

  /** The raw value of query parameter {@code name} of {@code link}. */
  protected static String parameter(URI link, String name) {
    Matcher m =
        Pattern.compile("(?:^|&)" + Pattern.quote(name) + "=([^&]*)").matcher(link.getRawQuery());
    if (!m.find()) {
      throw new AssertionError("link has no " + name + " parameter: " + link);
    }
    return m.group(1);
  }

  /** {@code link} with query parameter {@code name} set to the raw {@code value}. */
  protected static URI withParameter(URI link, String name, String value) {
    String query =
        link.getRawQuery()
            .replaceAll(
                "(^|&)" + Pattern.quote(name) + "=[^&]*",
                "$1" + Matcher.quoteReplacement(name + "=" + value));
    return URI.create(link.toString().replace(link.getRawQuery(), query));
  }
}
