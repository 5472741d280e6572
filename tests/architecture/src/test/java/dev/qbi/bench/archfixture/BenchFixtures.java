package dev.qbi.bench.archfixture;

/** Classes in the benchmark's package, for the architecture rules' own tests. */
public final class BenchFixtures {
  private BenchFixtures() {}

  /** Obeys every rule. */
  public static final class Plain {}
}
