package io.modstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.model.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bundle compatibility: a tiny bundle written by an earlier build, kept under test resources with
 * the scores it gave then, must still load and score the same. When the bundle format or the
 * tokenizer changes on purpose, bump their versions, keep the old golden bundle (or state why it is
 * dropped) and add a new one with {@code mvn -pl model-core test -Dtest=GoldenBundleTest#regenerate
 * -Dmodstream.golden.regenerate=true}.
 */
class GoldenBundleTest {

  static final Path GOLDEN =
      Paths.get("src/test/resources/golden/format-" + ModelBundle.FORMAT_VERSION);
  static final ObjectMapper JSON = new ObjectMapper();

  record Expected(List<String> texts, float[][] scores) {}

  /**
   * Format 1: network only (tokenizer scheme 1); format 2: network, linear model, calibration
   * (scheme 2).
   */
  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void theGoldenBundleStillLoadsAndScoresTheSame(int format) throws Exception {
    Path golden = Paths.get("src/test/resources/golden/format-" + format);
    ModelBundle bundle = ModelBundle.load(golden.resolve("bundle"));
    assertThat(bundle.info().formatVersion()).isEqualTo(format);
    Expected expected =
        JSON.readValue(golden.resolve("expected-scores.json").toFile(), Expected.class);
    float[][] scores = ModerationModel.of(bundle).score(expected.texts());
    for (int i = 0; i < scores.length; i++) {
      for (int j = 0; j < scores[i].length; j++) {
        assertThat(scores[i][j])
            .as("text %d label %d", i, j)
            .isCloseTo(expected.scores()[i][j], within(1e-6f));
      }
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "modstream.golden.regenerate", matches = "true")
  void regenerate() throws Exception {
    ModelBundle bundle = TestData.tinyModel().bundle();
    Path dir = GOLDEN.resolve("bundle");
    if (Files.exists(dir)) {
      throw new IllegalStateException(dir + " exists: delete it deliberately before regenerating");
    }
    bundle.save(dir);
    float[][] scores = ModerationModel.of(bundle).score(ModelBundleTest.FIXED);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(
            GOLDEN.resolve("expected-scores.json").toFile(),
            new Expected(ModelBundleTest.FIXED, scores));
  }
}
