package dev.qbi.runtime.local.archfixture;

import dev.qbi.bench.archfixture.BenchFixtures;
import dev.qbi.runtime.lambda.archfixture.LambdaRuntimeFixtures;

/** Classes in the local runtime's package, for the architecture rules' own tests. */
public final class LocalRuntimeFixtures {
  private LocalRuntimeFixtures() {}

  /** Obeys every rule. */
  public static final class Plain {}

  /** One runtime using the other. */
  public static final class UsesLambdaRuntime {
    LambdaRuntimeFixtures.Plain lambda;
  }

  /** A runtime depending on the benchmark. */
  public static final class UsesBench {
    BenchFixtures.Plain bench;
  }
}
