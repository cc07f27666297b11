package io.modstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTrainerTest {

  private static final List<String> TOKENS = List.of("you", "stupid", "idiot", "thanks");

  /** Unseen sample rows as verdicts, every label inverted: feedback that disagrees. */
  private static List<Example> disagreeing(int from, int to, double weight, boolean[] judged) {
    List<Example> rows = new ArrayList<>();
    for (LabelledComment c : TestData.sample(to).rows().subList(from, to)) {
      boolean[] flipped = c.labels();
      for (int j = 0; j < flipped.length; j++) {
        flipped[j] = !flipped[j];
      }
      rows.add(new Example(new LabelledComment(c.id(), c.text(), flipped), judged, weight));
    }
    return rows;
  }

  private static boolean[] all(boolean value) {
    boolean[] b = new boolean[6];
    Arrays.fill(b, value);
    return b;
  }

  @Test
  void fineTuningOnDisagreeingFeedbackRefitsEveryPartAndChangesTheScores() throws Exception {
    ModelBundle champion = TestData.tinyModel().bundle();
    TrainingSet set =
        new TrainingSet(
            champion.info().labels(),
            disagreeing(600, 900, 2.0, all(true)),
            disagreeing(900, 1000, 1.0, all(true)),
            "feedback",
            "");
    ModelBundle tuned =
        new ModelTrainer(TestData.TINY, new TrainingListener() {})
            .fineTune(champion, set, "tiny", "t1-tuned")
            .bundle();
    assertThat(tuned.info().formatVersion()).isEqualTo(2);
    assertThat(tuned.info().tokenizerScheme()).isEqualTo(champion.info().tokenizerScheme());
    assertThat(tuned.info().provenance().linear()).isEqualTo(champion.info().provenance().linear());
    assertThat(tuned.info().calibration()).isNotEqualTo(champion.info().calibration());
    assertThat(tuned.linear().logits(TOKENS)).isNotEqualTo(champion.linear().logits(TOKENS));
    List<String> texts = TestData.sample(1000).texts().subList(600, 700);
    float[][] before = ModerationModel.of(champion).score(texts);
    float[][] after = ModerationModel.of(tuned).score(texts);
    // Trained on inverted verdicts, the candidate ranks these comments against the champion.
    int opposite = 0;
    for (int i = 0; i < texts.size(); i++) {
      opposite += Math.signum(after[i][0] - 0.5) != Math.signum(before[i][0] - 0.5) ? 1 : 0;
    }
    assertThat(opposite).as("toxic verdicts that changed side").isGreaterThan(10);
  }

  @Test
  void aLabelNobodyJudgedIsNeverReadAsZero() {
    ModelBundle champion = TestData.tinyModel().bundle();
    boolean[] toxicOnly = new boolean[6];
    toxicOnly[0] = true;
    // The same verdicts twice, once with the unjudged labels stored as 1 and once as 0.
    List<Example> ones = new ArrayList<>();
    List<Example> zeros = new ArrayList<>();
    for (Example e : disagreeing(600, 800, 1.0, toxicOnly)) {
      LabelledComment c = e.comment();
      boolean[] high = all(true);
      boolean[] low = all(false);
      high[0] = low[0] = c.label(0);
      ones.add(new Example(new LabelledComment(c.id(), c.text(), high), toxicOnly, 1.0));
      zeros.add(new Example(new LabelledComment(c.id(), c.text(), low), toxicOnly, 1.0));
    }
    List<Example> calibration = disagreeing(800, 900, 1.0, all(true));
    ModelBundle a = tune(champion, ones, calibration);
    ModelBundle b = tune(champion, zeros, calibration);
    assertThat(a.linear().logits(TOKENS)).containsExactly(b.linear().logits(TOKENS));
    assertThat(a.info().calibration()).isEqualTo(b.info().calibration());
    assertThat(a.newNetwork().predict(new int[][] {{2, 3, 4}}))
        .isDeepEqualTo(b.newNetwork().predict(new int[][] {{2, 3, 4}}));
    // And the judged label did learn.
    assertThat(a.linear().logits(TOKENS)[0]).isNotEqualTo(champion.linear().logits(TOKENS)[0]);
  }

  private static ModelBundle tune(
      ModelBundle champion, List<Example> train, List<Example> calibration) {
    return new ModelTrainer(TestData.TINY, new TrainingListener() {})
        .fineTune(
            champion,
            new TrainingSet(champion.info().labels(), train, calibration, "feedback", ""),
            "tiny",
            "partial")
        .bundle();
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
