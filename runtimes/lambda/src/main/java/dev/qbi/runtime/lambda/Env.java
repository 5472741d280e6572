package dev.qbi.runtime.lambda;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The environment variables one handler may read. Each handler declares its variables in a constant
 * (the same list as {@code lambda-env.json}, which the template is checked against); a read of any
 * other name is a bug and fails at once, so the declaration cannot drift from the code.
 */
public final class Env {

  private final Map<String, String> values;
  private final Set<String> declared;

  private Env(Map<String, String> values, List<String> declared) {
    this.values = Map.copyOf(Objects.requireNonNull(values, "values"));
    this.declared = Set.copyOf(declared);
  }

  /** The process environment, restricted to {@code declared}. */
  public static Env system(List<String> declared) {
    return of(System.getenv(), declared);
  }

  /** Explicit values (tests, benchmarks), restricted to {@code declared}. */
  public static Env of(Map<String, String> values, List<String> declared) {
    return new Env(values, declared);
  }

  /** The value, or empty when unset or blank. */
  public Optional<String> optional(String name) {
    if (!declared.contains(name)) {
      throw new IllegalStateException(
          "environment variable " + name + " is not declared for this handler");
    }
    return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  /**
   * @throws IllegalStateException naming the variable when it is unset or blank
   */
  public String required(String name) {
    return optional(name)
        .orElseThrow(
            () -> new IllegalStateException("environment variable " + name + " must be set"));
  }

  /**
   * @throws IllegalStateException naming the variable when it is not a whole number
   */
  public long number(String name, long fallback) {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(text.get());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "environment variable " + name + " must be a whole number, was '" + text.get() + "'");
    }
  }
}
