package dev.qbi.core.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's JWKS fetched over HTTP and kept in memory. It is fetched again when a token names a
 * key id it does not hold, or when the copy is older than {@code maxAge}; never more often than
 * once per {@code minRefreshInterval}, so a flood of tokens with made-up key ids cannot turn into a
 * flood of requests to the issuer. A failed fetch keeps the keys already known.
 */
final class RemoteJwks implements KeyLookup {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);
  private static final int MAX_JWKS_BYTES = 512 * 1024;

  private final URI uri;
  private final Clock clock;
  private final Duration minRefreshInterval;
  private final Duration maxAge;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final ReentrantLock fetchLock = new ReentrantLock();

  private volatile JWKSet keys = new JWKSet();
  private volatile Instant fetchedAt = Instant.MIN;
  private Instant lastAttempt = Instant.MIN;

  RemoteJwks(URI uri, Clock clock, Duration minRefreshInterval, Duration maxAge, Duration timeout) {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.minRefreshInterval = Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public Optional<JWK> find(String kid) {
    Instant now = clock.instant();
    JWK key = keys.getKeyByKeyId(kid);
    boolean stale = fetchedAt.plus(maxAge).isBefore(now);
    if (key != null && !stale) {
      return Optional.of(key);
    }
    refreshIfAllowed(now);
    return Optional.ofNullable(keys.getKeyByKeyId(kid));
  }

  private void refreshIfAllowed(Instant now) {
    fetchLock.lock();
    try {
      if (lastAttempt != Instant.MIN && now.isBefore(lastAttempt.plus(minRefreshInterval))) {
        return;
      }
      lastAttempt = now;
      try {
        keys = fetch();
        fetchedAt = now;
        LOG.debug("Fetched JWKS from {}: {} keys", uri, keys.getKeys().size());
      } catch (IOException | ParseException e) {
        LOG.warn(
            "Could not fetch JWKS from {} ({}); keeping {} known keys",
            uri,
            e.getClass().getSimpleName(),
            keys.getKeys().size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      fetchLock.unlock();
    }
  }

  private JWKSet fetch() throws IOException, InterruptedException, ParseException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("JWKS endpoint answered HTTP " + response.statusCode());
      }
      byte[] body = in.readNBytes(MAX_JWKS_BYTES + 1);
      if (body.length > MAX_JWKS_BYTES) {
        throw new IOException("JWKS document is too large");
      }
      return JWKSet.parse(new String(body, StandardCharsets.UTF_8));
    }
  }
}
