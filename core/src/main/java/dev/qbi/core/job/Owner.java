package dev.qbi.core.job;

/** Who a job belongs to: the {@code sub} claim of the token that submitted it. */
public record Owner(String sub) {
  public Owner {
    if (sub == null || sub.isBlank()) {
      throw new IllegalArgumentException("owner sub is required");
    }
  }

  @Override
  public String toString() {
    return sub;
  }
}
