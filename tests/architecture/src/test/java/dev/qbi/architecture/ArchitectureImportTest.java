package dev.qbi.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.qbi.core.archfixture.CoreFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ArchitectureTest} sees what it should: the main classes of every module (a rule over a
 * package with no classes would pass without checking anything), and no test classes.
 */
class ArchitectureImportTest {

  private static JavaClasses imported;

  @BeforeAll
  static void importLikeArchitectureTest() {
    imported =
        new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("dev.qbi");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev.qbi.core",
        "dev.qbi.adapters.local",
        "dev.qbi.adapters.aws",
        "dev.qbi.identity",
        "dev.qbi.runtime.local",
        "dev.qbi.runtime.lambda",
        "dev.qbi.bench",
        "dev.qbi.awslocal",
        "dev.qbi.client"
      })
  void every_module_is_imported(String modulePackage) {
    assertThat(imported.stream().map(JavaClass::getPackageName))
        .as("classes in %s", modulePackage)
        .anyMatch(name -> name.equals(modulePackage) || name.startsWith(modulePackage + "."));
  }

  @Test
  void test_classes_are_not_imported() {
    assertThat(imported.contain(ArchitectureTest.class)).isFalse();
    assertThat(imported.contain(CoreFixtures.UsesJdbc.class)).isFalse();
    assertThat(imported.stream().map(JavaClass::getSimpleName))
        .noneMatch(name -> name.endsWith("Test"));
  }
}
