package dev.qbi.adapters.aws.testing;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * S3Mock (an S3 emulator, Spring Boot) in this JVM, plain HTTP on 127.0.0.1, files in a temporary
 * folder. One instance per JVM ({@link #shared}), stopped when the JVM exits. S3Mock does not check
 * signatures or link expiry, and needs path-style requests.
 */
public final class LocalS3 {

  /** A bucket that exists from the start. */
  public static final String BUCKET = "qbi-test-bucket";

  private static LocalS3 shared;

  private final S3MockExtension s3mock;
  private final URI endpoint;

  private LocalS3() {
    try {
      Path root = Files.createTempDirectory("qbi-s3mock");
      s3mock =
          S3MockExtension.builder()
              .silent()
              .withSecureConnection(false)
              .withRootFolder(root.toString())
              .withInitialBuckets(BUCKET)
              .withProperty("server.address", "127.0.0.1")
              .withProperty("spring.main.sources", S3MockLoopback.class.getName())
              .build();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    s3mock.start();
    endpoint = URI.create("http://127.0.0.1:" + s3mock.getHttpPort());
  }

  /** The JVM's S3Mock, started on first use. */
  public static synchronized LocalS3 shared() {
    if (shared == null) {
      LocalS3 started = new LocalS3();
      Runtime.getRuntime().addShutdownHook(new Thread(started.s3mock::stop, "s3mock-stop"));
      shared = started;
    }
    return shared;
  }

  public URI endpoint() {
    return endpoint;
  }
}
