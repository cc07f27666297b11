package io.modstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTrainerTest {

  private static final List<String> TOKENS = List.of("you", "stupid", "idiot", "thanks");

  @Test
  void fineTuningKeepsTheChampionsLinearModelAndCalibration() {
    ModelBundle champion = TestData.tinyModel().bundle();
    LabelledDataset.Split split = TestData.sample(300).stratifiedSplit(0.3, 11);
    ModelBundle tuned =
        new ModelTrainer(TestData.TINY, new TrainingListener() {})
            .fineTune(champion, split, "tiny", "t1-tuned")
            .bundle();
    assertThat(tuned.info().formatVersion()).isEqualTo(2);
    assertThat(tuned.info().calibration()).isEqualTo(champion.info().calibration());
    assertThat(tuned.linear().logits(TOKENS)).containsExactly(champion.linear().logits(TOKENS));
    assertThat(tuned.info().provenance().linear()).isEqualTo(champion.info().provenance().linear());
    assertThat(tuned.info().tokenizerScheme()).isEqualTo(champion.info().tokenizerScheme());
  }

  @Test
  void withoutALinearModelTheTrainerWritesAFormat1NetworkOnlyBundle(@TempDir Path dir)
      throws Exception {
    LabelledDataset.Split split = TestData.sample(300).stratifiedSplit(0.3, 11);
    ModelBundle bundle =
        new ModelTrainer(TestData.TINY, new TrainingListener() {})
            .withLinear(null)
            .train(split, "tiny", "lstm-only")
            .bundle();
    assertThat(bundle.info().formatVersion()).isEqualTo(1);
    assertThat(bundle.info().calibration()).isNull();
    bundle.save(dir.resolve("b"));
    ModelBundle loaded = ModelBundle.load(dir.resolve("b"));
    assertThat(loaded.linear()).isNull();
    float[] scores = ModerationModel.of(loaded).score(List.of("you stupid idiot"))[0];
    assertThat(scores).hasSize(6);
  }
}
