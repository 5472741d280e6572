package dev.qbi.lambda.testing;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;

/**
 * S3Mock (S3 emulator) in this JVM, plain HTTP on 127.0.0.1, one per JVM, stopped at exit. It
 * checks neither signatures nor link expiry and needs path-style requests.
 */
public final class LocalS3 {

  /** A bucket that exists from the start. */
  public static final String BUCKET = "qbi-lambda-test-bucket";

  private static LocalS3 shared;

  private final S3MockExtension s3mock;
  private final URI endpoint;

  private LocalS3() {
    try {
      s3mock =
          S3MockExtension.builder()
              .silent()
              .withSecureConnection(false)
              .withRootFolder(Files.createTempDirectory("qbi-lambda-s3mock").toString())
              .withInitialBuckets(BUCKET)
              .withProperty("server.address", "127.0.0.1")
              .withProperty("spring.main.sources", S3MockLoopback.class.getName())
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s3mock.start();
    endpoint = URI.create("http://127.0.0.1:" + s3mock.getHttpPort());
  }

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
