package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Powertools logging through its functional API (no AspectJ): Lambda context fields and a
 * correlation id in every JSON log line of one invocation. Events are never logged (they carry
 * tokens and payloads).
 */
final class Observability {

  /** Correlation id of API Gateway events (REST/authorizer 1.0 and HTTP API 2.0 alike). */
  static final String REQUEST_ID_PATH = "requestContext.requestId";

  private Observability() {}

  static <T> T withLogging(Context context, Supplier<T> body) {
    if (context == null) {
      return body.get();
    }
    return PowertoolsLogging.withLogging(context, body);
  }

  static <T> T withLogging(
      Context context, String correlationIdPath, Object event, Supplier<T> body) {
    if (context == null || event == null) {
      return withLogging(context, body);
    }
    return PowertoolsLogging.withLogging(context, correlationIdPath, event, body);
  }
}
