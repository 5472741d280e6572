package dev.qbi.core.port;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Where job outputs live, and how a client gets a time-limited download link to one. */
public interface PayloadStore {

  /** Writes (or harmlessly rewrites) the object under {@code key}. */
  void put(String key, byte[] content, String contentType);

  Optional<byte[]> get(String key);

  /** A link anyone holding it can GET without a token until it expires; it cannot be forged. */
  URI presign(String key, Duration ttl);
}
