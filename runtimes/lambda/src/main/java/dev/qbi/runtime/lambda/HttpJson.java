package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.job.Owner;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON responses of the HTTP handlers and what they read from an HTTP API (payload 2.0) event. */
final class HttpJson {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String APPLICATION_JSON = "application/json";

  /**
   * The authorizer context key carrying the caller's {@code sub} (see {@link AuthorizerHandler}).
   */
  static final String OWNER_KEY = "owner";

  private HttpJson() {}

  static APIGatewayV2HTTPResponse response(int status, Object body) {
    String json;
    try {
      json = MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable", e);
    }
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(status)
        .withHeaders(Map.of("Content-Type", APPLICATION_JSON))
        .withBody(json)
        .withIsBase64Encoded(false)
        .build();
  }

  /**
   * The caller, from the Lambda authorizer's context: with an HTTP API (payload 2.0 integration) it
   * arrives under {@code requestContext.authorizer.lambda}, whatever the authorizer's payload
   * version.
   *
   * @throws UnauthorizedException when the event carries no owner (the route is not behind the
   *     authorizer)
   */
  static Owner owner(APIGatewayV2HTTPEvent event) {
    Object sub =
        Optional.ofNullable(event)
            .map(APIGatewayV2HTTPEvent::getRequestContext)
            .map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
            .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getLambda)
            .map(lambda -> lambda.get(OWNER_KEY))
            .orElse(null);
    if (!(sub instanceof String text) || text.isBlank()) {
      throw new UnauthorizedException("Unauthorized");
    }
    return new Owner(text);
  }

  /**
   * The job id of a {@code .../{jobId}} route: its path parameter ({@code jobId}, or {@code job-id}
   * or {@code id}), else what follows {@code prefix} (e.g. {@code /jobs/}) in the raw path; null
   * when there is neither.
   */
  static String jobIdText(APIGatewayV2HTTPEvent event, String prefix) {
    Map<String, String> params = event == null ? null : event.getPathParameters();
    if (params != null) {
      for (String name : List.of("jobId", "job-id", "id")) {
        String value = params.get(name);
        if (value != null) {
          return value;
        }
      }
    }
    String path = Optional.ofNullable(event).map(APIGatewayV2HTTPEvent::getRawPath).orElse("");
    int at = path.lastIndexOf(prefix);
    return at < 0 ? null : path.substring(at + prefix.length());
  }

  /** A query-string parameter; an empty value counts as absent, as on the local server. */
  static Optional<String> query(APIGatewayV2HTTPEvent event, String name) {
    Map<String, String> params = event == null ? null : event.getQueryStringParameters();
    return Optional.ofNullable(params).map(p -> p.get(name)).filter(v -> !v.isEmpty());
  }
}
