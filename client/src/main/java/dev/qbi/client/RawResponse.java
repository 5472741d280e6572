package dev.qbi.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An answer as it came, whatever its status: for callers that check the error contract (status
 * codes, error bodies, headers) rather than use the typed calls.
 *
 * @param statusCode the HTTP status
 * @param headers the answer's headers, names in lower case
 * @param body the body's bytes (empty when there was none)
 */
public record RawResponse(int statusCode, Map<String, List<String>> headers, byte[] body) {

  /** Copies the headers with lower-case names (HTTP header names are case-insensitive). */
  public RawResponse {
    Map<String, List<String>> lower = new TreeMap<>();
    headers.forEach(
        (name, values) ->
            lower
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
    lower.replaceAll((name, values) -> List.copyOf(values));
    headers = Collections.unmodifiableMap(lower);
    body = body.clone();
  }

  /** The body's bytes (a copy). */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The first value of header {@code name} (any case). */
  public Optional<String> header(String name) {
    List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  /** True for a 2xx status. */
  public boolean successful() {
    return statusCode >= 200 && statusCode < 300;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawResponse r
        && r.statusCode == statusCode
        && r.headers.equals(headers)
        && Arrays.equals(r.body, body);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * statusCode + headers.hashCode()) + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "RawResponse[" + statusCode + ", " + body.length + " bytes]";
  }
}
