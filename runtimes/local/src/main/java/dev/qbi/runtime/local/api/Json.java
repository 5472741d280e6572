package dev.qbi.runtime.local.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** JSON in and out of HTTP responses, in one place. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  static final String APPLICATION_JSON = "application/json";

  private Json() {}

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable", e);
    }
  }

  static void send(ServerResponse res, int status, Object body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, APPLICATION_JSON);
    res.send(bytes(body));
  }

  /** The error body of docs/openapi.yaml: {@code {"message": "..."}}. */
  static void error(ServerResponse res, int status, String message) {
    send(res, status, Map.of("message", message));
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
