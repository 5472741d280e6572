package dev.qbi.core.auth;

import dev.qbi.core.job.Owner;
import java.time.Instant;
import java.util.List;

/** Who a verified token speaks for. */
public record Principal(
    String sub, String username, List<String> groups, String tokenUse, Instant expiresAt) {
  public Principal {
    groups = List.copyOf(groups);
  }

  public Owner owner() {
    return new Owner(sub);
  }
}
