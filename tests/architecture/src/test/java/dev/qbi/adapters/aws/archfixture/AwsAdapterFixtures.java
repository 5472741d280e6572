package dev.qbi.adapters.aws.archfixture;

/** Classes in the AWS adapters' package, for the architecture rules' own tests. */
public final class AwsAdapterFixtures {
  private AwsAdapterFixtures() {}

  /** Obeys every rule. */
  public static final class Plain {}
}
