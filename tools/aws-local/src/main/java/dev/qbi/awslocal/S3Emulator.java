package dev.qbi.awslocal;

import com.adobe.testing.s3mock.S3MockApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * S3Mock (an S3 emulator, a Spring Boot application) in this JVM: plain HTTP on 127.0.0.1, objects
 * in a temporary folder removed on {@link #close}. S3Mock checks no signature and needs path-style
 * requests. Its HTTPS listener is on a free port on 127.0.0.1 as well, unused.
 */
final class S3Emulator implements AutoCloseable {

  private final S3MockApplication app;
  private final URI endpoint;
  private final Path root;

  private S3Emulator(S3MockApplication app, int port, Path root) {
    this.app = app;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.root = root;
  }

  URI endpoint() {
    return endpoint;
  }

  /** Starts S3Mock with plain HTTP on {@code port} (a fixed port: not 0). */
  static S3Emulator start(int port, String region) {
    // Spring Boot leaves the logging to this process's logback.xml
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    Path root;
    try {
      root = Files.createTempDirectory("ingest-aws-local-s3");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> properties = new HashMap<>();
    properties.put(S3MockApplication.PROP_HTTP_PORT, port);
    properties.put(S3MockApplication.PROP_HTTPS_PORT, 0);
    properties.put("server.address", "127.0.0.1");
    properties.put("com.adobe.testing.s3mock.store.root", root.toString());
    properties.put("com.adobe.testing.s3mock.store.region", region);
    properties.put("com.adobe.testing.s3mock.store.retainFilesOnExit", false);
    properties.put(S3MockApplication.PROP_SILENT, true);
    properties.put("spring.main.banner-mode", "off");
    properties.put("spring.main.log-startup-info", false);
    properties.put("spring.main.sources", LoopbackConnectors.class.getName());
    try {
      return new S3Emulator(S3MockApplication.start(properties), port, root);
    } catch (RuntimeException e) {
      deleteTree(root);
      throw new AwsLocalException(
          "S3Mock did not start on port " + port + ": " + rootCause(e).getMessage(), e);
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    try {
      app.stop();
    } finally {
      deleteTree(root);
    }
  }

  /** Removes the objects' folder (S3Mock leaves its buckets' folders behind). */
  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove S3Mock's folder " + dir, e);
    }
  }

  /**
   * Added to S3Mock's Spring context (property {@code spring.main.sources}): binds its plain-HTTP
   * Tomcat connector, which ignores {@code server.address}, to 127.0.0.1.
   */
  public static final class LoopbackConnectors implements BeanPostProcessor {
    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
      if (bean instanceof Connector connector && !connector.setProperty("address", "127.0.0.1")) {
        throw new IllegalStateException("cannot bind S3Mock's connector " + beanName);
      }
      return bean;
    }
  }
}
