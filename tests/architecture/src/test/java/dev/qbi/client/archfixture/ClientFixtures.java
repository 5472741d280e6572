package dev.qbi.client.archfixture;

import dev.qbi.core.archfixture.CoreFixtures;

/** Classes in the client's package, for the architecture rules' own tests. */
public final class ClientFixtures {
  private ClientFixtures() {}

  /** A client on its own, as it must be. */
  public static final class Alone {
    java.net.URI endpoint;
  }

  /** A client borrowing core's classes. */
  public static final class UsesCore {
    CoreFixtures.Plain core;
  }
}
