package dev.qbi.runtime.lambda.archfixture;

/** Classes in the Lambda runtime's package, for the architecture rules' own tests. */
public final class LambdaRuntimeFixtures {
  private LambdaRuntimeFixtures() {}

  /** Obeys every rule. */
  public static final class Plain {}
}
