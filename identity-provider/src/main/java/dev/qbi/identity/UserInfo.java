package dev.qbi.identity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The answer to GetUser: the username and the attributes ({@code sub} first). */
public record UserInfo(String username, Map<String, String> attributes) {
  public UserInfo {
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }
}
