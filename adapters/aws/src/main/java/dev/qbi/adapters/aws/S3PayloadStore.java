package dev.qbi.adapters.aws;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.port.PayloadStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link PayloadStore} on Amazon S3: objects in one bucket, download links pre-signed with SigV4
 * ({@code X-Amz-Expires} = the ttl, at most 7 days). Path-style addressing, which S3 emulators
 * need, is a setting of the clients ({@link AwsClients.Builder#s3PathStyle}).
 */
public final class S3PayloadStore implements PayloadStore {

  private static final Logger LOG = LoggerFactory.getLogger(S3PayloadStore.class);

  /** SigV4 pre-signed URLs live at most 7 days. */
  public static final Duration MAX_LINK_TTL = Duration.ofDays(7);

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;

  public S3PayloadStore(S3Client s3, S3Presigner presigner, String bucket) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.presigner = Objects.requireNonNull(presigner, "presigner");
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("bucket is required");
    }
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }

  @Override
  public void put(String key, byte[] content, String contentType) {
    requireKey(key);
    Objects.requireNonNull(content, "content");
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(key)
                  .contentType(contentType == null ? "application/octet-stream" : contentType),
          RequestBody.fromBytes(content));
      LOG.debug("stored s3://{}/{} ({} bytes)", bucket, key, content.length);
    } catch (SdkException e) {
      throw new StorageException("S3 PutObject failed for " + key, e);
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    requireKey(key);
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (NoSuchKeyException missing) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new StorageException("S3 GetObject failed for " + key, e);
    }
  }

  /**
   * @throws IllegalArgumentException for a ttl that is not positive or is over {@link
   *     #MAX_LINK_TTL}
   */
  @Override
  public URI presign(String key, Duration ttl) {
    requireKey(key);
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_LINK_TTL) > 0) {
      throw new IllegalArgumentException("link ttl must be in (0, 7 days]: " + ttl);
    }
    try {
      return presigner
          .presignGetObject(
              p -> p.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(key)))
          .url()
          .toURI();
    } catch (URISyntaxException e) {
      throw new StorageException("S3 pre-signed URL is not a URI for " + key, e);
    } catch (SdkException e) {
      throw new StorageException("S3 pre-signing failed for " + key, e);
    }
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key is required");
    }
  }
}
