package io.modstream.model.internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.modstream.model.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;

/**
 * The network file stays DL4J's ModelSerializer layout both ways, so bundles written before and
 * after this reader are interchangeable, while reading it never goes through ModelSerializer.
 */
class NetworkFormatTest {

  private static byte[] written() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TestData.tinyModel().bundle().network().write(out);
    return out.toByteArray();
  }

  @Test
  void modelSerializerReadsWhatThisWritesAndThisReadsWhatModelSerializerWrites()
      throws IOException {
    byte[] ours = written();
    ComputationGraph byDl4j =
        ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(ours), false);
    ByteArrayOutputStream theirs = new ByteArrayOutputStream();
    ModelSerializer.writeModel(byDl4j, theirs, false);
    ComputationGraph byUs =
        NetworkFormat.read(
            new ByteArrayInputStream(theirs.toByteArray()), NetworkFormat.Limits.DEFAULT);
    assertThat(byUs.params().toFloatVector()).containsExactly(byDl4j.params().toFloatVector());
    assertThat(byUs.getConfiguration().toJson()).isEqualTo(byDl4j.getConfiguration().toJson());
  }

  @Test
  void aConfigurationDeclaringTooManyParametersIsRefusedBeforeAllocating() throws IOException {
    byte[] ours = written();
    assertThatThrownBy(
            () ->
                NetworkFormat.read(
                    new ByteArrayInputStream(ours), new NetworkFormat.Limits(1 << 20, 1000)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("declares more than 1000 parameters");
  }

  @Test
  void nothingInTheModelReadsWithJavaSerializationOrModelSerializer() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ModelSerializer.class.getName())
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ObjectInputStream.class.getName())
        .because("bundles come from other machines: they are read as data, never as code")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.modstream"));
  }
}
