package dev.qbi.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.qbi.adapters.aws.archfixture.AwsAdapterFixtures;
import dev.qbi.adapters.local.archfixture.LocalAdapterFixtures;
import dev.qbi.bench.archfixture.BenchFixtures;
import dev.qbi.client.archfixture.ClientFixtures;
import dev.qbi.core.archfixture.CoreFixtures;
import dev.qbi.identity.archfixture.IdentityFixtures;
import dev.qbi.runtime.lambda.archfixture.LambdaRuntimeFixtures;
import dev.qbi.runtime.local.archfixture.LocalRuntimeFixtures;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ArchitectureTest} catch what they are meant to catch: each is evaluated on a
 * few fixture classes (test classes in the guarded packages, never imported by {@link
 * ArchitectureTest}) that break it, and on some that do not.
 */
class ArchitectureRulesCatchViolationsTest {

  private static EvaluationResult evaluate(ArchRule rule, Class<?>... classes) {
    JavaClasses imported = new ClassFileImporter().importClasses(classes);
    return rule.evaluate(imported);
  }

  private static void assertViolation(EvaluationResult result, String... fragments) {
    assertThat(result.hasViolation()).as("rule violated").isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(detail -> assertThat(detail).contains(fragments));
  }

  @Test
  void core_using_an_adapter_is_caught() {
    EvaluationResult result =
        evaluate(
            ArchitectureTest.CORE_DEPENDS_ON_NO_OTHER_MODULE,
            CoreFixtures.UsesLocalAdapter.class,
            CoreFixtures.Plain.class,
            LocalAdapterFixtures.Plain.class);
    assertViolation(result, CoreFixtures.UsesLocalAdapter.class.getName(), "adapters.local");
    assertThat(result.getFailureReport().toString()).contains("because core holds the domain");
  }

  @Test
  void core_using_jdbc_is_caught() {
    assertViolation(
        evaluate(
            ArchitectureTest.CORE_USES_NO_AWS_SDK_JDBC_OR_HTTP_SERVER,
            CoreFixtures.UsesJdbc.class,
            CoreFixtures.Plain.class),
        CoreFixtures.UsesJdbc.class.getName(),
        "java.sql.Connection");
  }

  @Test
  void core_on_its_own_passes_both_core_rules() {
    assertThat(evaluate(ArchitectureTest.CORE_DEPENDS_ON_NO_OTHER_MODULE, CoreFixtures.Plain.class))
        .extracting(EvaluationResult::hasViolation)
        .isEqualTo(false);
    assertThat(
            evaluate(
                ArchitectureTest.CORE_USES_NO_AWS_SDK_JDBC_OR_HTTP_SERVER,
                CoreFixtures.Plain.class))
        .extracting(EvaluationResult::hasViolation)
        .isEqualTo(false);
  }

  @Test
  void one_adapter_using_the_other_is_caught() {
    assertViolation(
        evaluate(
            ArchitectureTest.ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER,
            LocalAdapterFixtures.UsesAwsAdapter.class,
            AwsAdapterFixtures.Plain.class),
        LocalAdapterFixtures.UsesAwsAdapter.class.getName(),
        AwsAdapterFixtures.Plain.class.getName());
  }

  @Test
  void an_adapter_using_a_runtime_is_caught() {
    assertViolation(
        evaluate(
            ArchitectureTest.ADAPTERS_DEPEND_ON_NO_RUNTIME_IDENTITY_CLIENT_OR_TOOL,
            LocalAdapterFixtures.UsesRuntime.class,
            LocalAdapterFixtures.UsesCore.class),
        LocalAdapterFixtures.UsesRuntime.class.getName(),
        LocalRuntimeFixtures.Plain.class.getName());
  }

  @Test
  void one_runtime_using_the_other_is_caught() {
    assertViolation(
        evaluate(
            ArchitectureTest.RUNTIMES_DO_NOT_DEPEND_ON_EACH_OTHER,
            LocalRuntimeFixtures.UsesLambdaRuntime.class,
            LambdaRuntimeFixtures.Plain.class),
        LocalRuntimeFixtures.UsesLambdaRuntime.class.getName(),
        LambdaRuntimeFixtures.Plain.class.getName());
  }

  @Test
  void a_runtime_using_the_benchmark_is_caught() {
    assertViolation(
        evaluate(
            ArchitectureTest.RUNTIMES_DO_NOT_DEPEND_ON_TOOLS,
            LocalRuntimeFixtures.UsesBench.class,
            BenchFixtures.Plain.class),
        LocalRuntimeFixtures.UsesBench.class.getName(),
        BenchFixtures.Plain.class.getName());
  }

  @Test
  void the_identity_provider_may_use_the_local_adapters_but_not_a_runtime() {
    ArchRule rule =
        ArchitectureTest.IDENTITY_PROVIDER_DEPENDS_ON_NO_RUNTIME_AWS_ADAPTER_CLIENT_OR_TOOL;
    assertThat(evaluate(rule, IdentityFixtures.UsesLocalAdapter.class).hasViolation()).isFalse();
    assertViolation(
        evaluate(rule, IdentityFixtures.UsesLocalRuntime.class),
        IdentityFixtures.UsesLocalRuntime.class.getName(),
        LocalRuntimeFixtures.Plain.class.getName());
  }

  @Test
  void the_client_rule_passes_without_client_classes_and_catches_a_client_using_core() {
    ArchRule rule = ArchitectureTest.CLIENT_DEPENDS_ON_NO_OTHER_QBI_PACKAGE;
    assertThat(evaluate(rule, CoreFixtures.Plain.class).hasViolation()).isFalse();
    assertThat(evaluate(rule, ClientFixtures.Alone.class).hasViolation()).isFalse();
    assertViolation(
        evaluate(rule, ClientFixtures.UsesCore.class),
        ClientFixtures.UsesCore.class.getName(),
        CoreFixtures.Plain.class.getName());
  }

  @Test
  void a_cycle_between_top_level_packages_is_caught() {
    EvaluationResult result =
        evaluate(
            ArchitectureTest.TOP_LEVEL_PACKAGES_ARE_FREE_OF_CYCLES,
            CoreFixtures.UsesLocalAdapter.class,
            LocalAdapterFixtures.UsesCore.class,
            CoreFixtures.Plain.class,
            LocalAdapterFixtures.Plain.class);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("Cycle detected");
    assertThat(
            evaluate(
                    ArchitectureTest.TOP_LEVEL_PACKAGES_ARE_FREE_OF_CYCLES,
                    LocalAdapterFixtures.UsesCore.class,
                    CoreFixtures.Plain.class)
                .hasViolation())
        .isFalse();
  }
}
