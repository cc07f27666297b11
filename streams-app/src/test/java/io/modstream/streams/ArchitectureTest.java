package io.modstream.streams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The streams app uses model-core's public API; the engine stays inside model-core. */
class ArchitectureTest {

  @Test
  void streamsAppDoesNotTouchTheEngine() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.deeplearning4j..", "org.nd4j..", "io.modstream.model.internal..")
        .because("engine details stay in model-core's internal package")
        .check(new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.modstream.streams"));
  }
}
