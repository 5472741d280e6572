package dev.qbi.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Who may depend on whom: the module rules of docs/architecture.md ("Modules and their
 * dependencies"), checked on the main classes of every module (tests are not imported).
 *
 * <p>Each rule names packages, not Maven modules: the packages follow the folders ({@code
 * adapters/local} is {@code dev.qbi.adapters.local}, and so on). A rule about a package that has no
 * classes yet (the client) passes until classes appear, and then applies to them.
 */
@AnalyzeClasses(packages = "dev.qbi", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  static final String CORE = "dev.qbi.core..";
  static final String ADAPTERS = "dev.qbi.adapters..";
  static final String LOCAL_ADAPTERS = "dev.qbi.adapters.local..";
  static final String AWS_ADAPTERS = "dev.qbi.adapters.aws..";
  static final String IDENTITY = "dev.qbi.identity..";
  static final String CLIENT = "dev.qbi.client..";
  static final String RUNTIMES = "dev.qbi.runtime..";
  static final String TOOLS = "dev.qbi.bench..";
  static final String AWS_LOCAL = "dev.qbi.awslocal..";

  @ArchTest
  static final ArchRule CORE_DEPENDS_ON_NO_OTHER_MODULE =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ADAPTERS, RUNTIMES, IDENTITY, CLIENT, TOOLS, AWS_LOCAL)
          .because(
              "core holds the domain, the use cases and the ports; adapters, runtimes, the"
                  + " identity provider, the client and the tools are built on it, never the"
                  + " other way round");

  @ArchTest
  static final ArchRule CORE_USES_NO_AWS_SDK_JDBC_OR_HTTP_SERVER =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "software.amazon..",
              "com.amazonaws..",
              "java.sql..",
              "javax.sql..",
              "io.helidon..",
              "com.sun.net.httpserver..")
          .because(
              "core runs unchanged on SQLite and on AWS: infrastructure lives in the adapters"
                  + " (storage, queues) and the runtimes (HTTP servers, Lambda)");

  @ArchTest
  static final ArchRule ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER =
      slices()
          .matching("dev.qbi.adapters.(*)..")
          .should()
          .notDependOnEachOther()
          .because(
              "the local adapters (SQLite, files) and the AWS adapters (SQS, DynamoDB, S3,"
                  + " Lambda) are alternative implementations of core's ports; what they share"
                  + " belongs in core");

  @ArchTest
  static final ArchRule ADAPTERS_DEPEND_ON_NO_RUNTIME_IDENTITY_CLIENT_OR_TOOL =
      noClasses()
          .that()
          .resideInAnyPackage(LOCAL_ADAPTERS, AWS_ADAPTERS)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(RUNTIMES, IDENTITY, CLIENT, TOOLS, AWS_LOCAL)
          .because(
              "adapters implement core's ports and nothing else; the runtimes choose and wire"
                  + " them, so an adapter knows no runtime, identity provider, client or tool");

  @ArchTest
  static final ArchRule RUNTIMES_DO_NOT_DEPEND_ON_EACH_OTHER =
      slices()
          .matching("dev.qbi.runtime.(*)..")
          .should()
          .notDependOnEachOther()
          .because(
              "the local server and the Lambda handlers are separate deployables (ingest.jar,"
                  + " the shaded Lambda jar); what both need belongs in core");

  @ArchTest
  static final ArchRule RUNTIMES_DO_NOT_DEPEND_ON_TOOLS =
      noClasses()
          .that()
          .resideInAPackage(RUNTIMES)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(TOOLS, AWS_LOCAL)
          .because(
              "the benchmark and aws-local are their own jars that drive a runtime or stand in"
                  + " for AWS from outside; the runtimes ship without them");

  @ArchTest
  static final ArchRule IDENTITY_PROVIDER_DEPENDS_ON_NO_RUNTIME_AWS_ADAPTER_CLIENT_OR_TOOL =
      noClasses()
          .that()
          .resideInAPackage(IDENTITY)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(RUNTIMES, AWS_ADAPTERS, CLIENT, TOOLS, AWS_LOCAL)
          .because(
              "the local user pool is a library the local runtime serves over HTTP; on AWS"
                  + " Cognito takes its place, so it needs nothing of the AWS side");

  @ArchTest
  static final ArchRule CLIENT_DEPENDS_ON_NO_OTHER_QBI_PACKAGE =
      noClasses()
          .that()
          .resideInAPackage(CLIENT)
          .should()
          .dependOnClassesThat(resideInAPackage("dev.qbi..").and(not(resideInAPackage(CLIENT))))
          .because(
              "the client speaks the HTTP API and the Cognito protocol only, so it can be used"
                  + " against either runtime without bringing the server's code along")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule TOP_LEVEL_PACKAGES_ARE_FREE_OF_CYCLES =
      slices()
          .matching("dev.qbi.(*)..")
          .should()
          .beFreeOfCycles()
          .because(
              "the modules form a layering (core at the bottom, tools at the top); a cycle"
                  + " between packages would be a cycle between modules");
}
