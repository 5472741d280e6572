package dev.qbi.adapters.local.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** A job's attempt errors in the {@code errors} column: a JSON array of strings, or null. */
final class Errors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

  private Errors() {}

  static String encode(List<String> errors) {
    if (errors.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(errors);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode job errors", e);
    }
  }

  static List<String> decode(String column) {
    if (column == null || column.isEmpty()) {
      return List.of();
    }
    try {
      return JSON.readValue(column, LIST);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "the errors column of a job is damaged: " + e.getMessage(), e);
    }
  }
}
