package io.modstream.streams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The streams app uses model-core's public API; the engine stays inside model-core. The service
 * does not use the user tools or the benchmark, which ship in their own jars (ops/tools,
 * ops/benchmark).
 */
class ArchitectureTest {

  private static final JavaClasses SERVICE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.modstream.streams");

  @Test
  void streamsAppDoesNotTouchTheEngine() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.deeplearning4j..", "org.nd4j..", "io.modstream.model.internal..")
        .because("engine details stay in model-core's internal package")
        .check(SERVICE);
  }

  @Test
  void theServiceDoesNotDependOnTheToolsOrTheBenchmark() {
    serviceMustNotUse("io.modstream.tools..", "io.modstream.benchmark..").check(SERVICE);
  }

  @Test
  void theToolsRuleCatchesAServiceThatUsesAForbiddenPackage() {
    // The same rule over a package the service does use: proves it sees the service's classes.
    assertThatThrownBy(() -> serviceMustNotUse("io.modstream.schemas..").check(SERVICE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.modstream.streams.");
  }

  private static ArchRule serviceMustNotUse(String... packages) {
    return noClasses()
        .that()
        .resideInAPackage("io.modstream.streams..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages)
        .because(
            "the production jar ships the service only; tools and benchmark have their own jars");
  }
}
