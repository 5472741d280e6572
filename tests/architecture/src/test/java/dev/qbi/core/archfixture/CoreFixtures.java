package dev.qbi.core.archfixture;

import dev.qbi.adapters.local.archfixture.LocalAdapterFixtures;
import java.sql.Connection;

/** Classes in core's package that break its rules, for the architecture rules' own tests. */
public final class CoreFixtures {
  private CoreFixtures() {}

  /** Obeys every rule. */
  public static final class Plain {}

  /** Core reaching into an adapter. */
  public static final class UsesLocalAdapter {
    LocalAdapterFixtures.Plain adapter;
  }

  /** Core using JDBC. */
  public static final class UsesJdbc {
    Connection connection;
  }
}
