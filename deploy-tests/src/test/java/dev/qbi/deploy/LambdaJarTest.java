package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The artifact every function's code comes from: the lambda module's shaded jar (built earlier in
 * the reactor). Each template Handler must name a class in it with a {@code handleRequest} method,
 * and the jar stays within the 20 MB budget.
 */
class LambdaJarTest {
  private static final long MAX_JAR_BYTES = 20L * 1000 * 1000;

  private final SamTemplate template = Repo.template();
  private final Path jar = Repo.root().resolve("runtimes/lambda/target/qbi-runtime-lambda.jar");

  @Test
  void every_template_handler_is_a_class_in_the_built_jar_with_handle_request() throws Exception {
    assertThat(jar).as("run the lambda module's package phase first").exists();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      for (String function : template.functionIds()) {
        String className = template.handlerClass(function);
        Class<?> type = Class.forName(className, false, loader);
        assertThat(Arrays.stream(type.getMethods()).map(Method::getName))
            .as("%s (%s)", className, function)
            .contains("handleRequest");
        assertThat(type.getConstructor())
            .as("%s needs a public no-arg constructor", className)
            .isNotNull();
      }
    }
  }

  @Test
  void the_lambda_jar_is_at_most_20_mb() throws Exception {
    assertThat(Files.size(jar)).isLessThanOrEqualTo(MAX_JAR_BYTES);
  }
}
