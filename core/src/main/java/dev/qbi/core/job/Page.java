package dev.qbi.core.job;

import java.util.List;
import java.util.Optional;

/** One page of a listing; {@code next} is an opaque cursor for the following page. */
public record Page<T>(List<T> items, Optional<String> next) {
  public Page {
    items = List.copyOf(items);
  }
}
