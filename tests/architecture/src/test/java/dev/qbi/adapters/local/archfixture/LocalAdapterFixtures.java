package dev.qbi.adapters.local.archfixture;

import dev.qbi.adapters.aws.archfixture.AwsAdapterFixtures;
import dev.qbi.core.archfixture.CoreFixtures;
import dev.qbi.runtime.local.archfixture.LocalRuntimeFixtures;

/** Classes in the local adapters' package, for the architecture rules' own tests. */
public final class LocalAdapterFixtures {
  private LocalAdapterFixtures() {}

  /** Obeys every rule. */
  public static final class Plain {}

  /** An adapter built on core, as adapters are. */
  public static final class UsesCore {
    CoreFixtures.Plain core;
  }

  /** One adapter using the other. */
  public static final class UsesAwsAdapter {
    AwsAdapterFixtures.Plain aws;
  }

  /** An adapter reaching up into a runtime. */
  public static final class UsesRuntime {
    LocalRuntimeFixtures.Plain runtime;
  }
}
