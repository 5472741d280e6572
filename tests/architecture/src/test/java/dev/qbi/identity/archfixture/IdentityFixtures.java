package dev.qbi.identity.archfixture;

import dev.qbi.adapters.local.archfixture.LocalAdapterFixtures;
import dev.qbi.runtime.local.archfixture.LocalRuntimeFixtures;

/** Classes in the identity provider's package, for the architecture rules' own tests. */
public final class IdentityFixtures {
  private IdentityFixtures() {}

  /** Allowed: the identity provider keeps its secrets with the local adapters' file helpers. */
  public static final class UsesLocalAdapter {
    LocalAdapterFixtures.Plain files;
  }

  /** The identity provider reaching up into the runtime that serves it. */
  public static final class UsesLocalRuntime {
    LocalRuntimeFixtures.Plain runtime;
  }
}
