package dev.qbi.core.testing;

import dev.qbi.core.port.PayloadStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PayloadStore} in a map, for tests. Links look like {@code
 * memory://payloads/<key>?expires=<epoch-second>} with the expiry taken from the injected clock;
 * they are not signed.
 */
public final class InMemoryPayloadStore implements PayloadStore {

  private final Clock clock;
  private final Map<String, Stored> objects = new ConcurrentHashMap<>();

  public InMemoryPayloadStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** An object and its content type. */
  public record Stored(byte[] content, String contentType) {}

  @Override
  public void put(String key, byte[] content, String contentType) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(content, "content");
    objects.put(key, new Stored(content.clone(), contentType));
  }

  @Override
  public Optional<byte[]> get(String key) {
    return Optional.ofNullable(objects.get(key)).map(s -> s.content().clone());
  }

  @Override
  public URI presign(String key, Duration ttl) {
    long expires = clock.instant().plus(ttl).getEpochSecond();
    String path = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    return URI.create("memory://payloads/" + path + "?expires=" + expires);
  }

  /** The content type the object was stored with. */
  public Optional<String> contentType(String key) {
    return Optional.ofNullable(objects.get(key)).map(Stored::contentType);
  }

  public int size() {
    return objects.size();
  }
}
