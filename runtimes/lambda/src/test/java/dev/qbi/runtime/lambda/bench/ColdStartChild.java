package dev.qbi.runtime.lambda.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in the fresh JVM that {@link ColdStartBench} starts with the shaded jar: constructs one
 * handler with its public no-arg constructor (as the Lambda runtime does), hands it its first
 * event, and prints one line: {@code COLDSTART <class> construct_ms=<n> first_event_ms=<n>
 * result=<short description>}.
 *
 * <p>Arguments: handler class, event kind ({@code sqs}, {@code http}, {@code authorizer} or {@code
 * stream}), event file.
 */
public final class ColdStartChild {

  private ColdStartChild() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void main(String[] args) throws Exception {
    String handlerClass = args[0];
    String kind = args[1];
    Path eventFile = Path.of(args[2]);
    long start = System.nanoTime();
    Object handler = Class.forName(handlerClass).getConstructor().newInstance();
    long constructed = System.nanoTime();
    TestContext context =
        new TestContext(handlerClass.substring(handlerClass.lastIndexOf('.') + 1));
    String result;
    if (kind.equals("stream")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = Files.newInputStream(eventFile)) {
        ((RequestStreamHandler) handler).handleRequest(in, out, context);
      }
      result = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    } else {
      Object event =
          switch (kind) {
            case "sqs" -> EventLoader.loadSQSEvent(eventFile.toString());
            case "http" -> EventLoader.loadApiGatewayHttpEvent(eventFile.toString());
            case "authorizer" ->
                EventLoader.loadAPIGatewayCustomAuthorizerEvent(eventFile.toString());
            default -> throw new IllegalArgumentException("unknown event kind " + kind);
          };
      result = String.valueOf(((RequestHandler) handler).handleRequest(event, context));
    }
    long handled = System.nanoTime();
    String shortResult = result.replaceAll("\\s+", " ");
    if (shortResult.length() > 160) {
      shortResult = shortResult.substring(0, 160) + "...";
    }
    System.out.printf(
        "COLDSTART %s construct_ms=%d first_event_ms=%d result=%s%n",
        handlerClass,
        (constructed - start) / 1_000_000,
        (handled - constructed) / 1_000_000,
        shortResult);
    System.out.flush();
    System.exit(0);
  }
}
